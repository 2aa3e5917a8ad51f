#!/usr/bin/env bun
/**
 * @module bench/lib/ingest-load — the ingest benchmark's load generator, run as its own process: signed
 * Twilio webhooks sent open-loop at a fixed rate, matched to the inbox fragments an admin's /live socket receives.
 */
import { computeTwilioSignature } from '../../server/whatsapp/signature';
import { percentiles, round1, type Percentiles } from './ingest-stats';
import { readMetric } from './server-metrics';

export interface LoadConfig {
  /** The server's own address, e.g. http://127.0.0.1:41234. */
  url: string;
  /** PUBLIC_URL of the server: what Twilio's signature covers. */
  publicUrl: string;
  accountSid: string;
  authToken: string;
  /** The agency's WhatsApp number, +E164. */
  agencyNumber: string;
  /** The admin's session token (cookie `wasap_session`). */
  sessionToken: string;
  conversations: number;
  /** Messages per second, all conversations together. */
  rate: number;
  durationMs: number;
  /** 0–999: gives each run its own phone numbers, so every run starts with new conversations. */
  runId: number;
  /** How long after the last send to wait for responses and fragments. */
  drainMs: number;
  /** Send one message per conversation first (not counted), so the measured phase hits existing conversations. */
  warmup: boolean;
  /** Messages each conversation of this run id already has (from an earlier run), and the next MessageSid number. */
  startCounts?: number[];
  seqBase?: number;
}

export interface PhaseReport {
  target: number;
  sent: number;
  /** 2xx answers. */
  ok: number;
  /** Non-2xx answers and network errors. */
  failed: number;
  /** Answered more than 1 s after the intended send time, or not at all. */
  late: number;
  /** Messages whose row fragment arrived on the socket. */
  delivered: number;
  achievedRate: number;
  /** Delivered messages per second from the first intended send to the last fragment. */
  processedRate: number;
  /** Latencies count from the intended send time (open loop), so a stall in the generator shows too. */
  webhookMs: Percentiles;
  e2eMs: Percentiles;
  /** How late the generator fired compared with its schedule. */
  lagMs: Percentiles;
  /** First status codes / errors seen, for the report. */
  errors: string[];
}

export interface LoadReport {
  conversations: number;
  warmup?: PhaseReport;
  measured: PhaseReport;
  /** WebSocket messages received in all. */
  fragments: number;
  /** Messages each conversation has now, and the next MessageSid number: hand both to a later run with the same run id. */
  counts: number[];
  nextSeq: number;
}

interface Outgoing {
  conversation: number;
  /** The unread count the conversation's row shows once this message is committed. */
  count: number;
  body: string;
  signature: string;
}

const WEBHOOK_PATH = '/webhooks/twilio';

function phoneOf(runId: number, conversation: number): string {
  return `+57${String(runId).padStart(3, '0')}${String(conversation).padStart(7, '0')}`;
}

function profileName(runId: number, conversation: number): string {
  return `B${runId}x${conversation}`;
}

function messageSid(runId: number, seq: number): string {
  return `SM${runId.toString(16).padStart(8, '0')}${seq.toString(16).padStart(24, '0')}`;
}

/** Every request is built and signed before the clock starts: the generator then only sends. */
function buildRequests(config: LoadConfig, counts: number[], total: number, seqBase: number): Outgoing[] {
  const out: Outgoing[] = [];
  for (let i = 0; i < total; i++) {
    const conversation = i % config.conversations;
    const from = phoneOf(config.runId, conversation);
    const sid = messageSid(config.runId, seqBase + i);
    const params: Record<string, string> = {
      MessageSid: sid,
      SmsMessageSid: sid,
      AccountSid: config.accountSid,
      From: `whatsapp:${from}`,
      To: `whatsapp:${config.agencyNumber}`,
      Body: `Buenas tardes ${seqBase + i}`,
      NumMedia: '0',
      ProfileName: profileName(config.runId, conversation),
      WaId: from.slice(1),
    };
    counts[conversation] = (counts[conversation] ?? 0) + 1;
    const signature = computeTwilioSignature(config.authToken, config.publicUrl + WEBHOOK_PATH, params);
    out.push({ conversation, count: counts[conversation]!, body: new URLSearchParams(params).toString(), signature });
  }
  return out;
}

/** Matches row fragments to messages: a row showing "k unread" means the conversation's first k messages are committed. */
function createTracker(runId: number) {
  const waiting = new Map<number, { count: number; arrive: (at: number) => void }[]>();
  // The badge's count as data (data-unread), not its label: the label is in the reader's language.
  const rowPattern = /class="conv-name"[^>]*>([^<]*)<[\s\S]*?data-unread="(\d+)"/;
  const namePattern = new RegExp(`^B${runId}x(\\d+)$`);
  let fragments = 0;
  function expect(conversation: number, count: number, arrive: (at: number) => void): void {
    let queue = waiting.get(conversation);
    if (!queue) waiting.set(conversation, (queue = []));
    queue.push({ count, arrive });
  }
  function received(data: string, at: number): void {
    fragments++;
    for (const part of data.split('id="conv-row-').slice(1)) {
      const row = rowPattern.exec(part);
      const name = row ? namePattern.exec(row[1]!) : null;
      if (!row || !name) continue;
      const queue = waiting.get(Number(name[1]));
      const unread = Number(row[2]);
      while (queue?.length && queue[0]!.count <= unread) queue.shift()!.arrive(at);
    }
  }
  return { expect, received, fragments: () => fragments };
}

type Tracker = ReturnType<typeof createTracker>;

function timeout(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends `requests` at `rate` per second from a fixed schedule, never waiting for an answer before the next send. */
async function runPhase(config: LoadConfig, tracker: Tracker, requests: Outgoing[], rate: number): Promise<PhaseReport> {
  const n = requests.length;
  const interval = 1000 / rate;
  const fired = new Float64Array(n).fill(NaN);
  const answered = new Float64Array(n).fill(NaN);
  const arrived = new Float64Array(n).fill(NaN);
  const statuses = new Int16Array(n);
  const errors = new Set<string>();
  const responses: Promise<void>[] = [];
  const allArrived = Promise.withResolvers<void>();
  let pending = n;
  const t0 = performance.now() + 20;
  const intended = (i: number) => t0 + i * interval;
  requests.forEach((request, i) =>
    tracker.expect(request.conversation, request.count, function arrive(at) {
      arrived[i] = at;
      if (--pending === 0) allArrived.resolve();
    }),
  );

  function fire(i: number): void {
    const request = requests[i]!;
    fired[i] = performance.now();
    const sent = fetch(config.url + WEBHOOK_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': request.signature },
      body: request.body,
    });
    responses.push(
      sent.then(
        async (response) => {
          answered[i] = performance.now();
          statuses[i] = response.status;
          const text = await response.text();
          if (!response.ok && errors.size < 5) errors.add(`${response.status} ${text.slice(0, 160)}`);
        },
        (error: unknown) => {
          statuses[i] = -1;
          if (errors.size < 5) errors.add(String((error as Error).message ?? error));
        },
      ),
    );
  }

  const { promise: allSent, resolve: sentAll } = Promise.withResolvers<void>();
  let next = 0;
  function pump(): void {
    const now = performance.now();
    while (next < n && intended(next) <= now) fire(next++);
    if (next < n) setTimeout(pump, Math.max(0, intended(next) - performance.now() - 0.5));
    else sentAll();
  }
  setTimeout(pump, Math.max(0, t0 - performance.now()));
  await allSent;
  const deadline = timeout(config.drainMs);
  await Promise.race([Promise.all([Promise.allSettled(responses), allArrived.promise]), deadline]);
  return summarise({ n, rate, intended, fired, answered, arrived, statuses, errors: [...errors] });
}

interface Samples {
  n: number;
  rate: number;
  intended: (i: number) => number;
  fired: Float64Array;
  answered: Float64Array;
  arrived: Float64Array;
  statuses: Int16Array;
  errors: string[];
}

function summarise(s: Samples): PhaseReport {
  const webhook: number[] = [];
  const e2e: number[] = [];
  const lag: number[] = [];
  let ok = 0;
  let late = 0;
  let lastArrival = s.intended(0);
  for (let i = 0; i < s.n; i++) {
    const start = s.intended(i);
    lag.push(s.fired[i]! - start);
    if (s.statuses[i]! >= 200 && s.statuses[i]! < 300) ok++;
    const answeredIn = s.answered[i]! - start;
    if (Number.isNaN(answeredIn) || answeredIn > 1000) late++;
    if (!Number.isNaN(answeredIn)) webhook.push(answeredIn);
    if (!Number.isNaN(s.arrived[i]!)) {
      e2e.push(s.arrived[i]! - start);
      lastArrival = Math.max(lastArrival, s.arrived[i]!);
    }
  }
  const firedTimes = Array.from(s.fired).filter((t) => !Number.isNaN(t));
  const sendSpan = (Math.max(...firedTimes) - Math.min(...firedTimes)) / 1000;
  return {
    target: s.rate,
    sent: firedTimes.length,
    ok,
    failed: s.n - ok,
    late,
    delivered: e2e.length,
    achievedRate: round1(sendSpan > 0 ? (firedTimes.length - 1) / sendSpan : firedTimes.length),
    processedRate: round1(e2e.length / Math.max(0.001, (lastArrival - s.intended(0)) / 1000)),
    webhookMs: percentiles(webhook),
    e2eMs: percentiles(e2e),
    lagMs: percentiles(lag),
    errors: s.errors,
  };
}

async function openSocket(config: LoadConfig, tracker: Tracker): Promise<WebSocket> {
  const wsUrl = config.url.replace(/^http/, 'ws') + '/live';
  // Bun's WebSocket takes request headers as a second argument; the DOM typing only knows protocols.
  const init = { headers: { cookie: `wasap_session=${config.sessionToken}` } } as unknown as string[];
  const socket = new WebSocket(wsUrl, init);
  const { promise, resolve, reject } = Promise.withResolvers<WebSocket>();
  socket.onopen = () => resolve(socket);
  socket.onerror = () => reject(new Error(`could not open ${wsUrl}`));
  socket.onclose = (event) => reject(new Error(`socket closed: ${event.code} ${event.reason}`));
  socket.onmessage = (event) => tracker.received(String(event.data), performance.now());
  return promise;
}

const outboxSent = async (url: string) => (await readMetric(url, 'wasap_outbox_sent_total')) ?? 0;

/**
 * After the warm-up (each conversation's first message), waits — polling /metrics, at most 30 s — until the bot's
 * welcomes were sent and no actor has events queued: the measured phase then shows messages to existing
 * conversations, not the tail of their first ones (a conversation's first message is measured at N=10,000).
 */
async function settle(url: string, sentTarget: number): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    if ((await outboxSent(url)) >= sentTarget && (await readMetric(url, 'wasap_actor_mailbox_depth')) === 0) return;
    await Bun.sleep(50);
  }
}

export async function runLoad(config: LoadConfig): Promise<LoadReport> {
  const tracker = createTracker(config.runId);
  const socket = await openSocket(config, tracker);
  const counts: number[] = config.startCounts?.slice() ?? [];
  let seq = config.seqBase ?? 0;
  let warmup: PhaseReport | undefined;
  if (config.warmup) {
    const first = buildRequests(config, counts, config.conversations, seq);
    seq += first.length;
    const sentBefore = await outboxSent(config.url);
    warmup = await runPhase({ ...config, drainMs: Math.max(config.drainMs, 30_000) }, tracker, first, config.rate);
    await settle(config.url, sentBefore + first.length);
  }
  const total = Math.max(1, Math.round((config.rate * config.durationMs) / 1000));
  const requests = buildRequests(config, counts, total, seq);
  seq += requests.length;
  const measured = await runPhase(config, tracker, requests, config.rate);
  socket.onclose = null;
  socket.close();
  return { conversations: config.conversations, warmup, measured, fragments: tracker.fragments(), counts, nextSeq: seq };
}

if (import.meta.main) {
  // The configuration comes on stdin: start counts for 10,000 conversations do not fit in an argument.
  const config = JSON.parse(await Bun.stdin.text()) as LoadConfig;
  const report = await runLoad(config);
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(0);
}
