/**
 * @module test/cluster/traffic — the cluster suite's client and its checks: aspirants who each write in order (one
 * message in flight per conversation, many conversations at once) to the processes a router picks, and the
 * queries that tell whether every acknowledged message was stored once, processed, and committed in arrival order.
 */
import { shardOf } from '../../server/cluster/shard';
import type { Cluster, ClusterNode } from '../support/cluster';
import { clusterSid } from '../support/cluster';

/** The WhatsApp number (+E164) of conversation `i` of run `run` (0–99): distinct per run within one database. */
export function phone(run: number, i: number): string {
  return `+573${String(run).padStart(2, '0')}${String(i).padStart(7, '0')}`;
}

/** The body of message `seq` of a conversation: the sequence number is read back by `storedMessages`. */
export function bodyOf(seq: number): string {
  return `mensaje ${String(seq).padStart(4, '0')}`;
}

/** One webhook the client got a 2xx for: acknowledged, so it must be stored (Twilio would not send it again). */
export interface Ack {
  key: string;
  seq: number;
  sid: string;
  node: string;
}

export interface SendPlan {
  keys: string[];
  /** Messages per conversation, sent in order: the next only once the previous was acknowledged. */
  perConversation: number;
  /** Conversations with a message in flight at once. */
  concurrency: number;
  /** The process for attempt `attempt` (0 first) of message `seq` of `key`; undefined: none available now, ask again. */
  route(key: string, seq: number, attempt: number): ClusterNode | undefined;
  /** Called with each failed attempt (a refused connection, a non-2xx) before the retry. */
  onFailure?(node: ClusterNode, failure: string): void;
  /** Called with each acknowledgement as it comes. */
  onAck?(ack: Ack, count: number): void;
  /** Checked before each message: true stops the sending (the rest is left unsent). */
  until?(): boolean;
  /** A pause after each acknowledged message of a conversation: steady load instead of the most it can take. */
  pauseMs?: number;
}

export interface SendResult {
  acks: Ack[];
  failures: { node: string; failure: string }[];
}

/** Sends as the plan says; a failed attempt is retried (on the process `route` picks next) until acknowledged. */
export async function sendInOrder(cluster: Cluster, plan: SendPlan): Promise<SendResult> {
  const acks: Ack[] = [];
  const failures: SendResult['failures'] = [];
  const queue = [...plan.keys];
  async function deliver(key: string, seq: number): Promise<void> {
    const sid = clusterSid();
    const giveUp = performance.now() + 30_000;
    for (let attempt = 0; ; attempt++) {
      const node = plan.route(key, seq, attempt);
      if (!node) {
        if (performance.now() > giveUp) throw new Error(`no process to send ${key} #${seq} to for 30 s`);
        await Bun.sleep(10);
        continue;
      }
      const failure = await cluster.webhook(node, key, bodyOf(seq), sid).then(
        async (r) => {
          const text = await r.text();
          return r.ok ? undefined : `HTTP ${r.status} ${text.slice(0, 120)}`;
        },
        (e: unknown) => String((e as Error).message ?? e),
      );
      if (failure === undefined) {
        const ack = { key, seq, sid, node: node.id };
        acks.push(ack);
        return plan.onAck?.(ack, acks.length);
      }
      failures.push({ node: node.id, failure });
      plan.onFailure?.(node, failure);
      if (performance.now() > giveUp) throw new Error(`${key} #${seq} refused for 30 s, last by ${node.id}: ${failure}`);
      // A retrying client backs off a little, as Twilio's fallback or a balancer's retry would.
      await Bun.sleep(Math.min(100, 5 * (attempt + 1)));
    }
  }
  async function worker(): Promise<void> {
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
      for (let seq = 0; seq < plan.perConversation; seq++) {
        if (plan.until?.()) return;
        await deliver(key, seq);
        if (plan.pauseMs) await Bun.sleep(plan.pauseMs);
      }
    }
  }
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return { acks, failures };
}

export interface Stored {
  /** Aspirant messages per conversation key, in commit order (messages.id): their sequence numbers. */
  order: Map<string, number[]>;
  /** Aspirant messages in all. */
  total: number;
  /** provider_sid values stored more than once. */
  duplicates: string[];
  /** Inbound events not processed yet. */
  unprocessed: number;
}

/** What the database holds for the aspirant messages of `keys`. */
export async function storedMessages(cluster: Cluster, keys: string[]): Promise<Stored> {
  const rows = await cluster.sql<{ key: string; body: string; sid: string }[]>`
    select a.whatsapp_id as key, m.body, m.provider_sid as sid from messages m
    join conversations c on c.id = m.conversation_id join aspirants a on a.id = c.aspirant_id
    where m.sender = 'aspirant' and a.whatsapp_id in ${cluster.sql(keys)} order by m.id`;
  const order = new Map<string, number[]>();
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const row of rows) {
    if (seen.has(row.sid)) duplicates.push(row.sid);
    seen.add(row.sid);
    const list = order.get(row.key) ?? [];
    list.push(Number(/(\d+)$/.exec(row.body)?.[1] ?? -1));
    order.set(row.key, list);
  }
  const [pending] = await cluster.sql<{ n: string }[]>`select count(*) as n from inbound_events where processed_at is null`;
  return { order, total: rows.length, duplicates, unprocessed: Number(pending!.n) };
}

/** Conversations whose stored messages are not exactly the acknowledged ones in acknowledgement order. */
export function outOfOrder(stored: Stored, acks: Ack[]): string[] {
  const expected = new Map<string, number[]>();
  for (const ack of acks) expected.set(ack.key, [...(expected.get(ack.key) ?? []), ack.seq]);
  const wrong: string[] = [];
  for (const [key, seqs] of expected) {
    const got = stored.order.get(key) ?? [];
    if (got.join(',') !== seqs.join(',')) wrong.push(`${key}: expected ${seqs.join(',')} got ${got.join(',')}`);
  }
  return wrong;
}

/** Waits until every acknowledged message is stored and every inbound event processed; returns what is stored. */
export async function settledMessages(cluster: Cluster, keys: string[], acked: number, timeoutMs = 60_000): Promise<Stored> {
  let last: Stored | undefined;
  await cluster
    .waitFor(
      `${acked} messages stored and processed`,
      async () => {
        last = await storedMessages(cluster, keys);
        return last.total >= acked && last.unprocessed === 0;
      },
      timeoutMs,
    )
    .catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; last seen: ${last?.total} stored, ${last?.unprocessed} unprocessed`);
    });
  return last!;
}

/** The bot's welcome (Spanish): exactly one per conversation, whatever process ran it. */
export const WELCOME = 'Qué alegría que nos escribas';

/** Sends accepted by the fake Twilio that repeat one outbox row (same idempotency key), and welcomes per number. */
export function sendsAtTwilio(cluster: Cluster): { repeated: string[]; welcomes: Map<string, number> } {
  const byKey = new Map<string, number>();
  const welcomes = new Map<string, number>();
  for (const message of cluster.twilio.messages) {
    if (message.idempotencyKey) byKey.set(message.idempotencyKey, (byKey.get(message.idempotencyKey) ?? 0) + 1);
    if (message.body?.includes(WELCOME)) welcomes.set(message.to.replace('whatsapp:', ''), (welcomes.get(message.to.replace('whatsapp:', '')) ?? 0) + 1);
  }
  return { repeated: [...byKey].filter(([, n]) => n > 1).map(([k]) => k), welcomes };
}

/** Waits until `n` numbers got their welcome at the fake Twilio; on a timeout says where the outbox stands. */
export async function welcomesSent(cluster: Cluster, n: number, timeoutMs = 30_000): Promise<void> {
  await cluster
    .waitFor(`${n} welcomes sent`, () => sendsAtTwilio(cluster).welcomes.size >= n, timeoutMs)
    .catch(async (error: unknown) => {
      const outbox = await cluster.sql<{ state: string; n: string; error: string | null }[]>`
      select state, count(*) as n, max(last_error) as error from outbox group by state order by state`;
      throw new Error(`${(error as Error).message}: ${sendsAtTwilio(cluster).welcomes.size} sent; outbox ${JSON.stringify(outbox)}`);
    });
}

/** Shard → owner (null when free) as the lease table says now, with unexpired leases only. */
export async function leaseOwners(cluster: Cluster): Promise<Map<number, string | null>> {
  const rows = await cluster.sql<{ shard: number; owner: string | null }[]>`
    select shard, case when expires_at > now() then owner end as owner from shard_leases order by shard`;
  return new Map(rows.map((r) => [Number(r.shard), r.owner]));
}

/** Waits until every shard is held under an unexpired lease and each of `ids` holds at least `min` of them. */
export async function leasesSpread(cluster: Cluster, ids: string[], min: number): Promise<Map<number, string | null>> {
  let owners = new Map<number, string | null>();
  await cluster.waitFor(`leases spread over ${ids.join(', ')} (at least ${min} each)`, async () => {
    owners = await leaseOwners(cluster);
    const counts = new Map<string | null, number>();
    for (const owner of owners.values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    return !counts.has(null) && ids.every((id) => (counts.get(id) ?? 0) >= min);
  });
  return owners;
}

/** `count` numbers of run `run` whose conversations fall in a shard that `owns` accepts. */
export function keysIn(run: number, count: number, owns: (shard: number) => boolean): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count && i < 1_000_000; i++) if (owns(shardOf(phone(run, i)))) keys.push(phone(run, i));
  return keys;
}

/** `promise`, or an error naming `what` once `ms` passed first. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Each process's warning and error lines (request lines left out), first `max` of each: for a failure's message. */
export function warnings(cluster: Cluster, max = 5): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const node of cluster.nodes) {
    const lines = node.lines.filter((line) => /"level":"(warn|error)"/.test(line) && !line.includes('"msg":"request"'));
    if (lines.length) out[node.id] = lines.slice(0, max).map((line) => line.slice(0, 400));
  }
  return out;
}

/**
 * Runs `check`; a failure's message gains `context()` (JSON) and each process's warnings, so that a red run (on CI,
 * where only the failure's message is kept near the end) says why, not only which expectation failed.
 */
export async function explained<T>(cluster: Cluster, context: () => unknown, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    failure.message += `\ncontext: ${JSON.stringify(context())}\nwarnings: ${JSON.stringify(warnings(cluster, 8))}`;
    throw failure;
  }
}
