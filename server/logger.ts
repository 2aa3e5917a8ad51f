/** @module server/logger — structured JSON log lines on stdout, one per event, filtered by LOG_LEVEL. */
import type { LogLevel } from './config';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  readonly level: LogLevel;
}

export type LogSink = (line: string) => void;

/**
 * Lines are buffered and written once per turn of the event loop: one write syscall for many
 * request lines under load instead of one each. Flushed on exit, so a clean stop loses nothing.
 */
function bufferedStdout(): LogSink {
  const writer = Bun.stdout.writer();
  let scheduled = false;
  function flush(): void {
    scheduled = false;
    writer.flush();
  }
  process.on('exit', () => writer.flush());
  return function writeLine(line) {
    writer.write(`${line}\n`);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

let stdoutSink: LogSink | undefined;
const defaultSink: LogSink = (line) => (stdoutSink ??= bufferedStdout())(line);

/**
 * drizzle's "Failed query: <sql>\nparams: <values>": the statement stays (it says what failed), the values go — they
 * are phone numbers and what aspirants wrote (Law 1581: personal data never lands in a log).
 */
function withoutParams(message: string): string {
  const at = message.indexOf('\nparams:');
  return at === -1 ? message : message.slice(0, at);
}

/** The innermost cause (the driver's own error: ECONNREFUSED, 23505…), which a wrapper's message hides. */
function rootCause(error: Error): { message: string; code?: unknown } | undefined {
  let cause: unknown = error.cause;
  let root: { message: string; code?: unknown } | undefined;
  for (let depth = 0; cause instanceof Error && depth < 8; depth++, cause = cause.cause) root = { message: withoutParams(cause.message), code: (cause as { code?: unknown }).code };
  return root;
}

/** Errors become {name, message, code, cause}: a log line never carries a stack or query parameters, and is one line. */
function serialise(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      const cause = rootCause(value);
      out[key] = { name: value.name, message: withoutParams(value.message), code: (value as { code?: unknown }).code, ...(cause ? { cause } : {}) };
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function createLogger(level: LogLevel, sink: LogSink = defaultSink, base: LogFields = {}): Logger {
  const threshold = RANK[level];
  function write(lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields): void {
    if (RANK[lvl] < threshold) return;
    sink(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...base, ...(fields ? serialise(fields) : {}) }));
  }
  return {
    level,
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger(level, sink, { ...base, ...fields }),
  };
}
