/** @module test/support/process — the real server as a child process, its log lines read as they come. */
import { join } from 'node:path';

const ROOT = join(import.meta.dir, '..', '..');

export interface ServerProcess extends AsyncDisposable {
  readonly proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>;
  readonly url: string;
  /** Every stdout/stderr line so far, in order. */
  readonly lines: string[];
  waitForLine(match: (line: string) => boolean): Promise<string>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

function pump(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  return stream.pipeTo(
    new WritableStream({
      write(chunk) {
        buffer += decoder.decode(chunk, { stream: true });
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        for (const part of parts) onLine(part);
      },
      close() {
        if (buffer) onLine(buffer);
      },
    }),
  );
}

/** Runs `bun <script> ...args` from the repo root and collects its output lines. */
export function spawnBun(args: string[], env: Record<string, string>) {
  return spawnCommand([process.execPath, ...args], env);
}

/** Runs any command (`npm start`, `sh -c …`) from the repo root and collects its output lines. */
export function spawnCommand(command: string[], env: Record<string, string>) {
  const proc = Bun.spawn(command, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const lines: string[] = [];
  const waiters = new Set<{ match: (l: string) => boolean; resolve: (l: string) => void }>();
  function onLine(line: string): void {
    lines.push(line);
    for (const w of waiters) if (w.match(line)) (waiters.delete(w), w.resolve(line));
  }
  const pumped = Promise.all([pump(proc.stdout, onLine), pump(proc.stderr, onLine)]);
  function waitForLine(match: (line: string) => boolean): Promise<string> {
    const seen = lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    const { promise, resolve, reject } = Promise.withResolvers<string>();
    waiters.add({ match, resolve });
    // A process that exits without printing the line fails the wait instead of hanging it.
    pumped.then(() => reject(new Error(`process exited (${proc.exitCode}) without the expected line:\n${lines.join('\n')}`)));
    return promise;
  }
  return { proc, lines, waitForLine, exited: pumped.then(() => proc.exited) };
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawnBun(['server/main.ts'], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });
  const line = await child.waitForLine((l) => l.includes('"msg":"listening"'));
  const url = (JSON.parse(line) as { url: string }).url;
  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    if (child.proc.exitCode === null) child.proc.kill(signal);
    return child.exited;
  }
  return { proc: child.proc, url, lines: child.lines, waitForLine: child.waitForLine, stop, [Symbol.asyncDispose]: () => stop('SIGKILL').then(() => {}) };
}
