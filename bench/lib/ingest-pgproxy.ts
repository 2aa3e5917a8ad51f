/**
 * @module bench/lib/ingest-pgproxy — a counting TCP proxy in front of Postgres: how many round trips and
 * statements the server makes, read from the wire protocol (client → server messages only).
 */
import type { Socket, TCPSocketListener } from 'bun';

export interface WireCounts {
  /** Client waits for the server: one per simple Query ('Q') and per extended-protocol Sync ('S'). */
  roundTrips: number;
  /** Executed statements: simple queries plus Execute ('E') messages. */
  statements: number;
  /** BEGIN and COMMIT seen as simple queries (postgres.js sends them that way). */
  begins: number;
  commits: number;
}

export interface CountingProxy {
  readonly url: string;
  counts(): WireCounts;
  /** Starts recording each statement's SQL (first 120 characters) as it is executed, up to `limit` entries. */
  trace(limit: number): string[];
  stop(): void;
}

interface Conn {
  upstream?: Socket<Pipe>;
  buffer: Buffer;
  started: boolean;
  queued: Buffer[];
  /** Prepared statement name → SQL, to name what a Bind executes. */
  statements: Map<string, string>;
  /** Bytes the client socket did not take yet (server → client). */
  pending: Buffer[];
}

interface Pipe {
  pending: Buffer[];
}

/** Writes everything eventually: what the socket does not take now waits for its drain event. */
function send(socket: Socket<Conn> | Socket<Pipe>, pending: Buffer[], chunk: Buffer): void {
  if (pending.length) return void pending.push(chunk);
  const written = socket.write(chunk);
  if (written < chunk.length) pending.push(chunk.subarray(Math.max(0, written)));
}

function flush(socket: Socket<Conn> | Socket<Pipe>, pending: Buffer[]): void {
  while (pending.length) {
    const chunk = pending[0]!;
    const written = socket.write(chunk);
    if (written < chunk.length) return void (pending[0] = chunk.subarray(Math.max(0, written)));
    pending.shift();
  }
}

function cstrings(buf: Buffer, start: number, count: number): string[] {
  const out: string[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    const end = buf.indexOf(0, at);
    out.push(buf.toString('utf8', at, end));
    at = end + 1;
  }
  return out;
}

function createParser(counts: WireCounts, record: (sql: string) => void) {
  /** Consumes whole messages from the buffer; returns what is left of a message cut off at the chunk's end. */
  return function parse(conn: Conn): void {
    let offset = 0;
    const buf = conn.buffer;
    while (true) {
      if (!conn.started) {
        if (buf.length - offset < 4) break;
        const length = buf.readInt32BE(offset);
        if (buf.length - offset < length) break;
        offset += length;
        conn.started = true;
        continue;
      }
      if (buf.length - offset < 5) break;
      const type = String.fromCharCode(buf[offset]!);
      const length = buf.readInt32BE(offset + 1);
      if (buf.length - offset < 1 + length) break;
      if (type === 'Q') {
        counts.roundTrips++;
        counts.statements++;
        const text = buf
          .toString('utf8', offset + 5, offset + 1 + length - 1)
          .trim()
          .toLowerCase();
        if (text.startsWith('begin')) counts.begins++;
        if (text.startsWith('commit')) counts.commits++;
        record(text);
      } else if (type === 'P') {
        const [name, text] = cstrings(buf, offset + 5, 2);
        conn.statements.set(name!, text!);
      } else if (type === 'B') {
        const [, name] = cstrings(buf, offset + 5, 2);
        record(conn.statements.get(name!) ?? '?');
      } else if (type === 'S') counts.roundTrips++;
      else if (type === 'E') counts.statements++;
      offset += 1 + length;
    }
    conn.buffer = buf.subarray(offset);
  };
}

/** Listens on 127.0.0.1 (port 0) and forwards every connection to `target` (a postgres:// URL). */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstreamUrl = new URL(target);
  const counts: WireCounts = { roundTrips: 0, statements: 0, begins: 0, commits: 0 };
  let traced: string[] | undefined;
  let traceLimit = 0;
  const parse = createParser(counts, (sql) => {
    if (traced && traced.length < traceLimit) traced.push(sql.replace(/\s+/g, ' ').slice(0, 120));
  });
  const listener: TCPSocketListener<Conn> = Bun.listen<Conn>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(client) {
        client.data = { buffer: Buffer.alloc(0), started: false, queued: [], pending: [], statements: new Map() };
        void Bun.connect<Pipe>({
          hostname: upstreamUrl.hostname,
          port: Number(upstreamUrl.port || 5432),
          data: { pending: [] },
          socket: {
            open(upstream) {
              upstream.data ??= { pending: [] };
              client.data.upstream = upstream;
              for (const chunk of client.data.queued) send(upstream, upstream.data.pending, chunk);
              client.data.queued = [];
            },
            data(_upstream, chunk) {
              // Server → client bytes are passed through unparsed.
              send(client, client.data.pending, Buffer.from(chunk));
            },
            drain(upstream) {
              flush(upstream, upstream.data.pending);
            },
            close() {
              client.end();
            },
          },
        }).catch(() => client.end());
      },
      data(client, chunk) {
        client.data.buffer = Buffer.concat([client.data.buffer, chunk]);
        parse(client.data);
        const upstream = client.data.upstream;
        if (upstream) send(upstream, upstream.data.pending, Buffer.from(chunk));
        else client.data.queued.push(Buffer.from(chunk));
      },
      drain(client) {
        flush(client, client.data.pending);
      },
      close(client) {
        client.data.upstream?.end();
      },
    },
  });
  const proxied = new URL(target);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(listener.port);
  function trace(limit: number): string[] {
    traced = [];
    traceLimit = limit;
    return traced;
  }
  return { url: proxied.toString(), counts: () => ({ ...counts }), trace, stop: () => listener.stop(true) };
}
