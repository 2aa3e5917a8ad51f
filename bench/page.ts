/** @module bench/page — the inbox's first screen (GET /inbox/:id, GET /inbox) server-side with 10,000 conversations and a 5,000-message history, vs its SQL alone and its render alone. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../server/app';
import { SESSION_COOKIE } from '../server/auth/plugin';
import { createSession } from '../server/auth/sessions';
import { loadConfig } from '../server/config';
import type { Db } from '../server/db/client';
import { aspirantPanel, chatPage } from '../server/db/queries/chat';
import { listConversations, type Viewer } from '../server/db/queries/inbox';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { buildServices } from '../server/wiring';
import { InboxPage } from '../views/inbox/inbox-page';
import { Layout } from '../views/layout';
import { atMost, scenarioMain } from './lib/cli';
import { benchDatabase } from './lib/database';
import type { ScenarioOptions, ScenarioResult } from './lib/result';
import { seedInbox } from './lib/seed';
import { count, ms, round, summarize, type LatencySummary } from './lib/stats';
import { translator } from '../views/i18n';

const TARGET_MS = 100;

async function timeRuns(runs: number, warmups: number, fn: () => Promise<unknown>): Promise<LatencySummary> {
  for (let i = 0; i < warmups; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/** The three reads the page is built from, as the inbox route calls them (the route adds access checks, canned replies and markRead). */
async function pageQueries(db: Db, viewer: Viewer, conversationId: number) {
  const list = await listConversations(db, viewer, { scope: 'all' });
  const [panel, chat] = await Promise.all([aspirantPanel(db, conversationId), chatPage(db, conversationId)]);
  return { list, panel: panel!, chat };
}

async function renderPage(data: Awaited<ReturnType<typeof pageQueries>>): Promise<string> {
  const open = { conversation: data.panel, messages: data.chat.messages, olderCursor: data.chat.olderCursor, window: { open: true }, templates: [], canned: [] };
  return await InboxPage({
    viewer: { id: 1, name: 'Bench Admin', role: 'admin', csrf: 'x'.repeat(43) },
    i18n: translator('es'),
    filters: { scope: 'all' },
    rows: data.list.rows,
    nextCursor: data.list.nextCursor,
    open,
    now: new Date(),
  });
}

function row(what: string, s: LatencySummary, extra: Record<string, string | number> = {}): Record<string, string | number> {
  return { what, runs: s.count, 'p50 ms': ms(s.p50), 'p99 ms': ms(s.p99), 'max ms': ms(s.max), ...extra };
}

export async function runPage(options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const sizes = options.quick ? { conversations: 2_000, history: 1_000 } : { conversations: 10_000, history: 5_000 };
  const runs = options.quick ? 20 : 50;
  const warmups = 5;
  const dataDir = mkdtempSync(join(tmpdir(), 'wasap-bench-page-'));
  const database = await benchDatabase();
  const config = loadConfig({ WASAP_DATA_DIR: dataDir, WASAP_SECRET: 'bench-secret-'.repeat(4), LOG_LEVEL: 'warn' });
  const logger = createLogger('warn');
  const services = buildServices({ config, database, logger, metrics: createMetrics(), bot: false, timerPollMs: 0 });
  try {
    const seedStart = performance.now();
    const seeded = await seedInbox(database.db, sizes);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const app = createApp({ config, database, logger, metrics: createMetrics(), services });
    const session = await createSession(database.db, seeded.adminId, new Date());
    const headers = { cookie: `${SESSION_COOKIE}=${session.token}` };
    let bytes = 0;
    async function get(path: string) {
      const response = await app.handle(new Request(`http://localhost${path}`, { headers }));
      const text = await response.text();
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 300)}`);
      bytes = text.length;
    }
    const big = `/inbox/${seeded.bigConversationId}`;
    const open = await timeRuns(runs, warmups, () => get(big));
    const openBytes = bytes;
    const list = await timeRuns(runs, warmups, () => get('/inbox'));
    const listBytes = bytes;
    const viewer: Viewer = { id: seeded.adminId, role: 'admin' };
    const queries = await timeRuns(runs, warmups, () => pageQueries(database.db, viewer, seeded.bigConversationId));
    const data = await pageQueries(database.db, viewer, seeded.bigConversationId);
    const render = await timeRuns(runs, warmups, () => renderPage(data));
    const trivial = await timeRuns(runs, warmups, async () => await Layout({ title: 'ok', children: 'ok' }));
    return {
      scenario: 'page',
      rows: [
        row(`GET /inbox/:id (app.handle, ${count(sizes.history)}-message conversation)`, open, { 'KB sent': round(openBytes / 1024, 1) }),
        row('GET /inbox (list only)', list, { 'KB sent': round(listBytes / 1024, 1) }),
        row('baseline: the SQL alone (listConversations + chatPage + aspirantPanel)', queries),
        row('baseline: InboxPage render alone (data in memory)', render),
        row('baseline: trivial JSX Layout render', trivial),
      ],
      ratios: [
        atMost('GET /inbox/:id p50, ms (server-side)', round(open.p50, 2), TARGET_MS, 'ms'),
        atMost('GET /inbox p50, ms (server-side)', round(list.p50, 2), TARGET_MS, 'ms'),
        { name: 'GET /inbox/:id p50 / (SQL alone + render alone) p50', value: open.p50 / (queries.p50 + render.p50), target: 'report', met: true },
      ],
      notes: [
        `${database.kind === 'postgres' ? 'Postgres (a fresh database, dropped afterwards)' : 'In-memory PGlite (set BENCH_DATABASE_URL=postgres://… for Postgres)'}: ${count(sizes.conversations)} conversations with their aspirants, ${count(seeded.messages)} messages (${count(sizes.history)} in the open one, every 50th with a stored photo, as many journal events), seeded in ${round(seedSeconds, 1)} s with set-based INSERTs.`,
        `Timed through app.handle() as a signed-in admin (session cookie, auth lookup included), no socket: ${warmups} warm-ups, then ${runs} sequential runs. The page shows the newest ${50} conversations and the last 60 messages.`,
      ],
    };
  } finally {
    await services.stop();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await scenarioMain('page', runPage);
