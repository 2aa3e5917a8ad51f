/** @module bench/lib/load-generator — a small wrk: HTTP/1.1 keep-alive load from its own process, closed-loop (C connections) or open-loop (R req/s). */
import { summarize } from './stats';

/**
 * Run as `bun bench/lib/load-generator.ts '<LoadOptions JSON>'` (or `--config file.json`); prints one
 * line of LoadResult JSON. Scenarios call `runLoad` (bench/lib/load) rather than spawning it by hand.
 */
export interface LoadOptions {
  url: string;
  method?: string;
  /** Sent with every request (prepared items may add their own). */
  headers?: Record<string, string>;
  /** Closed loop: this many connections, each sending its next request when the previous one answered (default 64). */
  concurrency?: number;
  /** Open loop: requests per second on a fixed schedule; latency counts from the scheduled time (no coordinated omission). */
  rate?: number;
  /** Stop after this many measured requests… */
  requests?: number;
  /** …or after this many measured seconds (default 10 when neither is given). */
  durationSeconds?: number;
  /** Run this long first and discard the results (JIT, connection set-up). */
  warmupSeconds?: number;
  /** One fixed body for every request. */
  body?: string;
  /** A JSON array of prepared requests (`"body"` or `{ "body", "headers" }`), used round-robin: no work per request. */
  bodiesFile?: string;
  /** A module whose default export `(i: number) => string | { body, headers }` makes request i. */
  bodyModule?: string;
  /** A request unanswered after this long counts as an error and its connection is replaced (default 10 s). */
  timeoutMs?: number;
}

export interface LoadResult {
  count: number;
  errors: number;
  /** Responses by status code; "error" for connection failures and timeouts. */
  statuses: Record<string, number>;
  seconds: number;
  rps: number;
  /** Latencies in milliseconds. */
  mean: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

type Prepared = string | { body: string; headers?: Record<string, string> };
type Source = (i: number) => Uint8Array;

const encoder = new TextEncoder();
const HEADER_END = encoder.encode('\r\n\r\n');

function requestBuilder(options: LoadOptions, url: URL): (item: Prepared | undefined) => Uint8Array {
  const method = (options.method ?? (options.body || options.bodiesFile || options.bodyModule ? 'POST' : 'GET')).toUpperCase();
  const head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
  const common = Object.entries(options.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return function build(item) {
    const body = item === undefined ? '' : typeof item === 'string' ? item : item.body;
    const extra =
      typeof item === 'object'
        ? Object.entries(item.headers ?? {})
            .map(([k, v]) => `${k}: ${v}\r\n`)
            .join('')
        : '';
    const payload = encoder.encode(body);
    const length = payload.length > 0 || method !== 'GET' ? `Content-Length: ${payload.length}\r\n` : '';
    const headBytes = encoder.encode(`${head}${common}${extra}${length}\r\n`);
    const bytes = new Uint8Array(headBytes.length + payload.length);
    bytes.set(headBytes);
    bytes.set(payload, headBytes.length);
    return bytes;
  };
}

async function requestSource(options: LoadOptions, url: URL): Promise<Source> {
  const build = requestBuilder(options, url);
  if (options.bodyModule) {
    const mod = (await import(options.bodyModule)) as { default: (i: number) => Prepared };
    return (i) => build(mod.default(i));
  }
  if (options.bodiesFile) {
    const items = (await Bun.file(options.bodiesFile).json()) as Prepared[];
    const encoded = items.map(build);
    return (i) => encoded[i % encoded.length]!;
  }
  const fixed = build(options.body);
  return () => fixed;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Length of the first complete response in `buf` and its status, or undefined while incomplete. */
function completeResponse(buf: Uint8Array): { length: number; status: number } | undefined {
  const end = indexOf(buf, HEADER_END);
  if (end < 0) return undefined;
  const head = new TextDecoder().decode(buf.subarray(0, end));
  const status = Number(head.slice(9, 12));
  const lengthMatch = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (lengthMatch) {
    const total = end + 4 + Number(lengthMatch[1]);
    return buf.length >= total ? { length: total, status } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const last = indexOf(buf, encoder.encode('\r\n0\r\n\r\n'), end);
    if (last >= 0) return { length: last + 7, status };
    const empty = indexOf(buf, encoder.encode('0\r\n\r\n'), end + 4);
    return empty === end + 4 ? { length: empty + 5, status } : undefined;
  }
  return { length: end + 4, status };
}

interface Pending {
  sentAt: number;
  done: (status: number | 'error') => void;
}

/** One keep-alive connection sending one request at a time. */
class Connection {
  private socket: Bun.Socket<undefined> | undefined;
  private buffer = new Uint8Array(0);
  private pending: Pending | undefined;
  private unsent: Uint8Array | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  private async connect(): Promise<Bun.Socket<undefined>> {
    const self = this;
    this.socket = await Bun.connect({
      hostname: this.host,
      port: this.port,
      socket: {
        data(_s, chunk) {
          self.received(chunk);
        },
        drain(s) {
          if (!self.unsent) return;
          const wrote = s.write(self.unsent);
          self.unsent = wrote < self.unsent.length ? self.unsent.subarray(wrote) : undefined;
        },
        close() {
          self.socket = undefined;
          self.finish('error');
        },
        error() {
          self.socket = undefined;
          self.finish('error');
        },
      },
    });
    this.socket.setNoDelay?.(true);
    return this.socket;
  }

  private received(chunk: Uint8Array): void {
    const merged = new Uint8Array(this.buffer.length + chunk.length);
    merged.set(this.buffer);
    merged.set(chunk, this.buffer.length);
    this.buffer = merged;
    const response = completeResponse(this.buffer);
    if (!response) return;
    this.buffer = this.buffer.subarray(response.length);
    this.finish(response.status);
  }

  private finish(status: number | 'error'): void {
    clearTimeout(this.timer);
    const pending = this.pending;
    this.pending = undefined;
    if (status === 'error') this.buffer = new Uint8Array(0);
    pending?.done(status);
  }

  /** Sends one request; resolves with its status, or 'error' (closed, refused, timed out). */
  async send(bytes: Uint8Array, sentAt: number): Promise<number | 'error'> {
    let socket: Bun.Socket<undefined>;
    try {
      socket = this.socket ?? (await this.connect());
    } catch {
      return 'error';
    }
    const { promise, resolve } = Promise.withResolvers<number | 'error'>();
    this.pending = { sentAt, done: resolve };
    this.timer = setTimeout(() => {
      this.socket?.end();
      this.socket = undefined;
      this.finish('error');
    }, this.timeoutMs);
    const wrote = socket.write(bytes);
    if (wrote < bytes.length) this.unsent = bytes.subarray(Math.max(0, wrote));
    return promise;
  }

  close(): void {
    this.socket?.end();
  }
}

interface Recorder {
  record(latencyMs: number, status: number | 'error'): void;
  measuring(): boolean;
}

function createRecorder(warmupMs: number, start: number) {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const measureFrom = start + warmupMs;
  let lastAt = measureFrom;
  return {
    latencies,
    statuses,
    measureFrom,
    get errors() {
      return errors;
    },
    span: () => (lastAt - measureFrom) / 1000,
    measuring: () => performance.now() >= measureFrom,
    record(latencyMs: number, status: number | 'error') {
      const at = performance.now();
      if (at < measureFrom) return;
      lastAt = at;
      latencies.push(latencyMs);
      statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
      if (status === 'error' || status >= 400) errors++;
    },
  } satisfies Recorder & Record<string, unknown>;
}

export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const source = await requestSource(options, url);
  const port = Number(url.port || 80);
  const concurrency = options.concurrency ?? 64;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const warmupMs = (options.warmupSeconds ?? 0) * 1000;
  const durationMs = options.durationSeconds !== undefined || options.requests === undefined ? (options.durationSeconds ?? 10) * 1000 : Infinity;
  const maxRequests = options.requests ?? Infinity;
  const connections = Array.from({ length: concurrency }, () => new Connection(url.hostname, port, timeoutMs));
  const start = performance.now();
  const recorder = createRecorder(warmupMs, start);
  const endAt = start + warmupMs + durationMs;
  const more = () => performance.now() < endAt && recorder.latencies.length < maxRequests;
  if (options.rate) await openLoop(connections, source, recorder, options.rate, more);
  else await closedLoop(connections, source, recorder, more);
  for (const connection of connections) connection.close();
  const seconds = recorder.span();
  const summary = summarize(recorder.latencies);
  return {
    count: summary.count,
    errors: recorder.errors,
    statuses: recorder.statuses,
    seconds,
    rps: summary.count / seconds,
    mean: summary.mean,
    p50: summary.p50,
    p99: summary.p99,
    p999: summary.p999,
    max: summary.max,
  };
}

async function closedLoop(connections: Connection[], source: Source, recorder: Recorder, more: () => boolean): Promise<void> {
  let issued = 0;
  async function worker(connection: Connection) {
    while (more()) {
      const sentAt = performance.now();
      const status = await connection.send(source(issued++), sentAt);
      recorder.record(performance.now() - sentAt, status);
    }
  }
  await Promise.all(connections.map(worker));
}

/** Requests are due every 1/rate s; a due request waits for a free connection and that wait counts in its latency. */
async function openLoop(connections: Connection[], source: Source, recorder: Recorder, rate: number, more: () => boolean): Promise<void> {
  const free = [...connections];
  const due: number[] = [];
  const start = performance.now();
  let scheduled = 0;
  let sent = 0;
  let inFlight = 0;
  const { promise: finished, resolve } = Promise.withResolvers<void>();
  function dispatch() {
    while (free.length > 0 && due.length > 0) {
      const connection = free.pop()!;
      const dueAt = due.shift()!;
      inFlight++;
      void connection.send(source(sent++), dueAt).then(function answered(status) {
        recorder.record(performance.now() - dueAt, status);
        inFlight--;
        free.push(connection);
        dispatch();
        if (!more() && inFlight === 0) resolve();
      });
    }
  }
  const ticker = setInterval(function tick() {
    if (!more()) {
      clearInterval(ticker);
      due.length = 0;
      if (inFlight === 0) resolve();
      return;
    }
    const target = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; scheduled < target; scheduled++) due.push(start + (scheduled / rate) * 1000);
    dispatch();
  }, 1);
  await finished;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const configAt = args.indexOf('--config');
  const text = configAt >= 0 ? await Bun.file(args[configAt + 1]!).text() : args[0];
  if (!text) {
    console.error("usage: bun bench/lib/load-generator.ts '<LoadOptions JSON>' | --config file.json");
    process.exit(2);
  }
  const result = await generateLoad(JSON.parse(text) as LoadOptions);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

if (import.meta.main) await main();
