/** @module bench/http-tax — the Twilio webhook route (parse + signature + enqueue into an in-memory sink) vs a raw Bun.serve answering 200, same load. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Elysia } from 'elysia';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { observability } from '../server/routes/observability';
import { twilioWebhookRoutes } from '../server/whatsapp/twilio-webhooks';
import type { ConversationSystem } from '../server/conversations/system';
import type { InboundMessage } from '../server/whatsapp/inbound-parse';
import { computeTwilioSignature } from '../server/whatsapp/signature';
import { atLeast, scenarioMain } from './lib/cli';
import { runLoad, type LoadResult } from './lib/load';
import type { ScenarioOptions, ScenarioResult } from './lib/result';
import { count, ms, round } from './lib/stats';

const PUBLIC_URL = 'https://wasap.bench';
const PATH = '/webhooks/twilio';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'bench-auth-token-0123456789abcdef';
const AGENCY = '+14155238886';
const BODIES = 5_000;
const TARGET = 0.5;

/** The fields Twilio posts for a WhatsApp text, in its order, each body signed: the generator does no crypto. */
export function signedInboundBodies(n: number, authToken = AUTH_TOKEN, url = PUBLIC_URL + PATH): { body: string; headers: Record<string, string> }[] {
  return Array.from({ length: n }, (_, i) => {
    const sid = `SM${i.toString(16).padStart(8, '0')}${'a'.repeat(24)}`;
    const from = `+5730${String(10_000_000 + i).slice(-8)}`;
    const params: Record<string, string> = {
      SmsMessageSid: sid,
      NumMedia: '0',
      ProfileName: 'Valentina Gómez',
      MessageType: 'text',
      SmsSid: sid,
      WaId: from.slice(1),
      SmsStatus: 'received',
      Body: `Hola! Vi el anuncio y quiero saber más sobre el casting (mensaje ${i})`,
      To: `whatsapp:${AGENCY}`,
      NumSegments: '1',
      ReferralNumMedia: '0',
      MessageSid: sid,
      AccountSid: ACCOUNT_SID,
      From: `whatsapp:${from}`,
      ApiVersion: '2010-04-01',
    };
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': computeTwilioSignature(authToken, url, params) };
    return { body: new URLSearchParams(params).toString(), headers };
  });
}

/** Stands in for the conversation system: acceptInbound only counts, so no database is involved. */
function sink() {
  const seen = { inbound: 0 };
  const conversations = {
    async acceptInbound(_message: InboundMessage) {
      seen.inbound++;
      return { duplicate: false, eventId: seen.inbound };
    },
    async acceptStatus() {
      return undefined;
    },
  } as unknown as ConversationSystem;
  return { seen, conversations };
}

function webhookApp(conversations: ConversationSystem, withObservability: boolean) {
  const routes = twilioWebhookRoutes({
    twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, whatsappFrom: `whatsapp:${AGENCY}`, maxMps: 10, timeoutMs: 8000 },
    publicUrl: PUBLIC_URL,
    trustProxy: false,
    sink: conversations,
  });
  if (!withObservability) return new Elysia().use(routes);
  // As in server/app.ts: request metrics and one JSON log line per request (written to a sink that drops it).
  return new Elysia().use(observability({ logger: createLogger('info', () => {}), metrics: createMetrics() })).use(routes);
}

interface Target {
  name: string;
  start(): { url: string; stop(): Promise<void> | void; handled?: () => number };
}

async function measure(target: Target, load: { bodiesFile: string; concurrency: number; durationSeconds: number; warmupSeconds: number }): Promise<LoadResult & { handled?: number }> {
  const server = target.start();
  try {
    const result = await runLoad({ url: server.url, method: 'POST', ...load });
    if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} failed requests (${JSON.stringify(result.statuses)})`);
    return { ...result, handled: server.handled?.() };
  } finally {
    await server.stop();
  }
}

function row(name: string, r: LoadResult, raw: LoadResult): Record<string, string | number> {
  return { server: name, requests: count(r.count), 'req/s': count(r.rps), 'p50 ms': ms(r.p50), 'p99 ms': ms(r.p99), 'p99.9 ms': ms(r.p999), 'vs raw': round(r.rps / raw.rps, 3) };
}

export async function runHttpTax(options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wasap-bench-http-'));
  try {
    const bodiesFile = join(dir, 'bodies.json');
    const bodies = signedInboundBodies(BODIES);
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const load = { bodiesFile, concurrency: 64, durationSeconds: options.quick ? 2 : 5, warmupSeconds: options.quick ? 0.5 : 1 };
    const raw: Target = {
      name: 'raw Bun.serve → 200',
      start() {
        const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('ok') });
        return { url: `http://127.0.0.1:${server.port}${PATH}`, stop: () => server.stop(true) };
      },
    };
    const route = (withObservability: boolean): Target => ({
      name: withObservability ? 'webhook route + observability' : 'webhook route alone',
      start() {
        const { seen, conversations } = sink();
        const app = webhookApp(conversations, withObservability).listen({ port: 0, hostname: '127.0.0.1' });
        return { url: `http://127.0.0.1:${app.server!.port}${PATH}`, stop: async () => void (await app.stop(true)), handled: () => seen.inbound };
      },
    });
    const rawResult = await measure(raw, load);
    const alone = await measure(route(false), load);
    const full = await measure(route(true), load);
    const ratio = full.rps / rawResult.rps;
    return {
      scenario: 'http-tax',
      rows: [row(raw.name, rawResult, rawResult), row('webhook route alone', alone, rawResult), row('webhook route + observability', full, rawResult)],
      ratios: [atLeast('webhook route (+ observability) req/s / raw Bun.serve req/s', ratio, TARGET)],
      notes: [
        `Closed loop from a separate process (bench/lib/load-generator.ts): ${load.concurrency} keep-alive connections, ${load.warmupSeconds} s warm-up then ${load.durationSeconds} s measured per server, the same ${BODIES.toLocaleString('en-US')} pre-signed Twilio bodies (~${bodies[0]!.body.length} bytes each) round-robin for every server.`,
        `The route parsed, verified and handed over every request: the sink saw ${count(full.handled ?? 0)} (+ observability run) and ${count(alone.handled ?? 0)} (route alone) inbound messages, all answered 200.`,
        "The generator shares the machine's cores with the server under test; every server faces the same generator, so the ratio compares like with like, but raw Bun.serve's figure is capped by how fast one generator process can send.",
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await scenarioMain('http-tax', runHttpTax);
