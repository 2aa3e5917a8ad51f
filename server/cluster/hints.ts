/**
 * @module server/cluster/hints — Postgres LISTEN/NOTIFY between the processes of one install, carrying only ids and
 * keys (the tables stay the source of truth; a missed hint is made good by a query: owners catch up when they gain a
 * shard, when the listening connection comes back, and in the periodic sweep). One dedicated connection listens
 * (postgres.js re-listens after a reconnect and `onListen` runs again); hints are sent through the pool, coalesced:
 * everything hinted in one tick on one channel goes out as few NOTIFYs as fit Postgres's payload limit.
 *
 * Channels: `wasap_events` (conversation keys with new inbound events), `wasap_commands` (shards with forwarded
 * commands), `wasap_answers` (`<origin> <command id>`), `wasap_push` (a committed change to render: JSON of ids),
 * `wasap_relay` (small JSON messages other modules broadcast to every process, e.g. presence).
 * A NOTIFY is delivered at its transaction's commit; Postgres serialises NOTIFYing commits on one global lock, which
 * the coalescing keeps to a few per tick.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { Logger } from '../logger';

export const CHANNELS = ['wasap_events', 'wasap_commands', 'wasap_answers', 'wasap_push', 'wasap_relay'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Postgres refuses a NOTIFY payload of 8,000 bytes or more (docs: SQL Commands, NOTIFY); parts are joined below it, counted in UTF-8 bytes. */
const MAX_PAYLOAD = 7_900;

export interface HintsOptions {
  db: Db;
  databaseUrl: string;
  logger: Logger;
  /** One hint (one part of a NOTIFY's newline-joined payload). */
  onHint(channel: Channel, payload: string): void;
  /** The listening connection is (again) in place: hints sent while it was away are lost, so catch up by query. */
  onListen(): void;
}

export interface Hints {
  /**
   * Queues `part` (no newline in it) on `channel`; the parts of one tick go out together, newline-joined, and one
   * channel's NOTIFYs are sent one after another, so a listener hears a channel's parts in the order they were queued.
   */
  send(channel: Channel, part: string): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createHints(options: HintsOptions): Hints {
  const { db, logger } = options;
  const queued = new Map<Channel, Set<string>>();
  let flushing = false;
  /** Each channel's last NOTIFY in flight: the next waits for it (order within a channel). */
  const tails = new Map<Channel, Promise<void>>();
  let listener: { end(options?: { timeout?: number }): Promise<void> } | undefined;

  async function notify(channel: Channel, payload: string): Promise<void> {
    await db.execute(sql`select pg_notify(${channel}, ${payload})`);
  }

  function flush(): void {
    flushing = false;
    for (const [channel, parts] of queued) {
      queued.delete(channel);
      let payload = '';
      let bytes = 0;
      const out: string[] = [];
      for (const part of parts) {
        // Postgres counts bytes (UTF-8), not UTF-16 units: "Ñúñez" is 5 characters and 8 bytes.
        const size = Buffer.byteLength(part);
        if (size > MAX_PAYLOAD) {
          logger.warn('cluster hint too long for one NOTIFY; dropped (the catch-up sweep covers it)', { channel, bytes: size });
          continue;
        }
        if (payload && bytes + size + 1 > MAX_PAYLOAD) (out.push(payload), (payload = ''), (bytes = 0));
        bytes += payload ? size + 1 : size;
        payload = payload ? `${payload}\n${part}` : part;
      }
      if (payload) out.push(payload);
      // A lost hint is caught up by query (the sweep, a takeover), never relied on: a failure is only logged.
      const send = async () => {
        for (const p of out) await notify(channel, p).catch((error: unknown) => logger.warn('cluster hint not sent; the catch-up sweep will find it', { channel, err: error as Error }));
      };
      const tail = (tails.get(channel) ?? Promise.resolve()).then(send);
      tails.set(channel, tail);
      void tail.finally(() => tails.get(channel) === tail && tails.delete(channel));
    }
  }

  return {
    send(channel, part) {
      let parts = queued.get(channel);
      if (!parts) queued.set(channel, (parts = new Set()));
      parts.add(part);
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    },
    async start() {
      const { default: postgres } = await import('postgres');
      const client = postgres(options.databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10, connection: { application_name: 'wasap-hints' } });
      listener = client;
      for (const channel of CHANNELS) {
        await client.listen(
          channel,
          (payload) => {
            // One bad part (another sender's) never costs the others theirs.
            for (const part of payload.split('\n')) {
              try {
                options.onHint(channel, part);
              } catch (error) {
                logger.warn('cluster hint ignored', { channel, err: error as Error });
              }
            }
          },
          // Runs at the first LISTEN and after every reconnect; once per reconnect is enough.
          channel === 'wasap_push' ? options.onListen : undefined,
        );
      }
    },
    async stop() {
      await Promise.all(tails.values());
      await listener?.end({ timeout: 2 });
    },
  };
}
