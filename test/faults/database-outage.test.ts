/**
 * @module test/faults/database-outage.test — the database stops for 20 s under load (a throwaway cluster of the
 * test's own): nothing acknowledged is lost, nothing is sent twice, the server says it is unavailable quickly
 * (webhooks 503 within 2 s, /readyz 503 within 1 s), and after the database is back it recovers by itself (the
 * outbox drains within 10 s).
 */
import { describe, expect, test } from 'bun:test';
import postgres from 'postgres';
import { computeTwilioSignature } from '../../server/whatsapp/signature';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio';
import { clusterAvailable, startPgCluster } from '../support/pg-cluster';
import { startServerProcess } from '../support/process';
import { tempDir } from '../support/temp';
import { inboundParams, PUBLIC_URL, twilioEnv } from '../support/twilio-env';

const RATE_PER_S = 40;
const OUTAGE_MS = 20_000;
const NUMBERS = 400;
const BURST = 60;

interface Sent {
  sid: string;
  params: Record<string, string>;
  status: number;
  ms: number;
  during: boolean;
}

function post(url: string, fake: FakeTwilio, params: Record<string, string>): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return fetch(`${url}/webhooks/twilio`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': computeTwilioSignature(fake.authToken, `${PUBLIC_URL}/webhooks/twilio`, params) },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(10_000),
  }).then(
    async (r) => (await r.arrayBuffer(), { status: r.status, ms: performance.now() - started }),
    () => ({ status: 0, ms: performance.now() - started }),
  );
}

async function readyProbe(url: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const status = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) }).then(
    async (r) => (await r.arrayBuffer(), r.status),
    () => 0,
  );
  return { status, ms: performance.now() - started };
}

/** Polls until `check` holds; returns how long it took. Throws after `limitMs`. */
async function until(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await Bun.sleep(100);
  }
  return performance.now() - started;
}

/** On failure: what is left undone, and how the webhooks of the unprocessed events were answered. */
async function diagnose(sql: postgres.Sql, url: string, sent: Sent[]): Promise<void> {
  const json = (rows: object[]) => JSON.stringify([...rows]);
  const unprocessed = await sql`select id, kind, attempts, last_error, provider_sid from inbound_events where processed_at is null limit 20`;
  const answers = sent.filter((s) => unprocessed.some((r) => r.provider_sid === s.sid)).map((s) => ({ status: s.status, ms: Math.round(s.ms), duringOutage: s.during }));
  const metrics = (await (await fetch(`${url}/metrics`)).text()).split('\n').filter((line) => /^wasap_(actor|db|outbox|jobs)/.test(line));
  console.log(`outbox by state: ${json(await sql`select state, count(*)::int from outbox group by 1`)}`);
  console.log(`unprocessed events: ${json(unprocessed)}; their webhooks were answered ${JSON.stringify(answers)}`);
  console.log(`dead letters: ${json(await sql`select id, error from dead_letters limit 5`)}\n${metrics.join('\n')}`);
}

describe.skipIf(!clusterAvailable)('database outage (throwaway Postgres cluster)', () => {
  test('20 s without Postgres under 40 msg/s: 0 acknowledged lost, 0 duplicate sends, fast 503s, drained after', async () => {
    await using cluster = await startPgCluster();
    await using fake = startFakeTwilio();
    using data = tempDir();
    const server = await startServerProcess({ ...twilioEnv(fake), WASAP_DATA_DIR: data.path, DATABASE_URL: cluster.url, LOG_LEVEL: 'info' });
    const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
    const sent: Sent[] = [];
    try {
      const inFlight: Promise<unknown>[] = [];
      let down = false;
      let i = 0;
      const fire = () => {
        const from = `+57310${String(i % NUMBERS).padStart(7, '0')}`;
        const params = inboundParams(fake, from, `hola ${i++}`);
        const during = down;
        inFlight.push(post(server.url, fake, params).then((r) => sent.push({ sid: params.MessageSid!, params, during, ...r })));
      };
      const load = async (ms: number) => {
        const end = performance.now() + ms;
        while (performance.now() < end) {
          fire();
          await Bun.sleep(1000 / RATE_PER_S);
        }
      };

      // Twilio answers each send after 300 ms, so sends are in flight when the database goes away.
      fake.respondWith(() => Bun.sleep(300).then(() => undefined));
      await load(4000);
      // A burst of first messages acknowledged just before the stop: their actors and welcomes meet the outage.
      const burst = Array.from({ length: BURST }, () => (fire(), inFlight.at(-1)!));
      await Promise.all(burst);
      await cluster.stop();
      down = true;
      const probes: { status: number; ms: number }[] = [];
      let outageOver = false;
      const outage = load(OUTAGE_MS).then(() => (outageOver = true));
      const probing = (async () => {
        while (!outageOver) {
          probes.push(await readyProbe(server.url));
          await Bun.sleep(1000);
        }
      })();
      await Promise.all([outage, probing]);
      await cluster.start();
      down = false;
      const backAt = performance.now();
      await Promise.all(inFlight);
      // Recovered by itself: within 10 s of the return the outbox is empty (nothing left pending or 'sending') and
      // the server ready; every acknowledged event is processed (a write whose answer was lost in the outage is
      // found by the catch-up sweep, every 5 s, within 20 s).
      const outboxDrained = async () => (await sql`select count(*)::int as n from outbox where state not in ('sent', 'failed')`)[0]!.n === 0;
      const drained = async () => (await outboxDrained()) && (await sql`select count(*)::int as n from inbound_events where processed_at is null`)[0]!.n === 0;
      await until(outboxDrained, 10_000 - (performance.now() - backAt));
      // Ready again: readiness goes through the same pool as everything else.
      await until(async () => (await readyProbe(server.url)).status === 200, 10_000 - (performance.now() - backAt));
      const drainedAfterMs = Math.round(performance.now() - backAt);
      await until(drained, 20_000 - (performance.now() - backAt));
      const processedAfterMs = Math.round(performance.now() - backAt);

      // During the outage: readiness says 503 within 1 s, webhooks answer within 2 s and never 200 without storing.
      expect(probes.filter((p) => p.status !== 503 || p.ms >= 1000)).toEqual([]);
      const duringOutage = sent.filter((s) => s.during);
      expect(duringOutage.length).toBeGreaterThan(RATE_PER_S * 10);
      expect(Math.max(...duringOutage.map((s) => s.ms))).toBeLessThan(2000);
      expect(duringOutage.filter((s) => s.status !== 200 && s.status !== 503).map((s) => s.status)).toEqual([]);

      // Twilio's retry of what was refused (it calls again, or the fallback does): each is stored once.
      for (const s of sent.filter((s) => s.status !== 200)) expect((await post(server.url, fake, s.params)).status).toBe(200);
      const acknowledged = sent.map((s) => s.sid);
      await until(drained, 10_000);

      const stored = await sql`select m.provider_sid as sid, count(*)::int as n from messages m where m.sender = 'aspirant' group by 1`;
      const counts = new Map(stored.map((r) => [r.sid as string, r.n as number]));
      expect(acknowledged.filter((sid) => counts.get(sid) !== 1)).toEqual([]);
      expect([...(await sql`select id, error from dead_letters`)]).toEqual([]);

      // Sent once: each outbox row reached Twilio exactly once, and every row is recorded as sent.
      const rows = await sql`select idempotency_key as key, state, provider_sid as sid from outbox`;
      expect(rows.filter((r) => r.state !== 'sent')).toEqual([]);
      const perKey = new Map<string, number>();
      for (const m of fake.messages) perKey.set(m.idempotencyKey ?? '', (perKey.get(m.idempotencyKey ?? '') ?? 0) + 1);
      expect([...perKey.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      expect(fake.messages.length).toBe(rows.length);
      expect(new Set(rows.map((r) => r.sid))).toEqual(new Set(fake.messages.map((m) => m.sid)));
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const counter = (name: string) => metrics.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm'))?.[1] ?? '0';
      console.log(
        `database outage: ${sent.length} webhooks (${sent.filter((s) => s.status === 200).length} acknowledged, ${sent.filter((s) => s.status === 503).length} answered 503, ` +
          `slowest during the outage ${Math.round(Math.max(...duringOutage.map((s) => s.ms)))} ms); ${fake.messages.length} sends for ${rows.length} outbox rows; ` +
          `outbox empty and ready ${drainedAfterMs} ms and every event processed ${processedAfterMs} ms after the database was back; outbox bookkeeping waits ${metrics.match(/^wasap_jobs_failed_total\{queue="outbox",kind="unavailable"\} (\d+)/m)?.[1] ?? '0'}, ` +
          `actor attempts that waited for the database ${counter('wasap_actor_unavailable_failures')}`,
      );
    } catch (error) {
      await diagnose(sql, server.url, sent);
      throw error;
    } finally {
      await sql.end();
      await server.stop('SIGTERM');
    }
  });
});
