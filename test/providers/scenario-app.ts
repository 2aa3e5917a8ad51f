/**
 * @module test/providers/scenario-app — the app a provider scenario runs against: a testApp pointed at a provider's
 * fake (test/support/provider-driver), on a clock the test moves (timers fired by hand, as test/support/bot's botApp),
 * with a way to wait until everything a step set off has happened, a signed-in recruiter, and reads of what was stored.
 */
import { and, asc, eq, ne } from 'drizzle-orm';
import { createSession } from '../../server/auth/sessions';
import { insertUser } from '../../server/db/queries/users';
import { aspirants, conversations, inboundEvents, media, messages } from '../../server/db/schema';
import { testApp, type TestApp } from '../support/app';
import type { Driver } from '../support/db';
import type { ProviderDriver, ProviderFake } from '../support/provider-driver';

export interface Scenario extends AsyncDisposable {
  fake: ProviderFake;
  t: TestApp;
  /** Milliseconds since the epoch the server reads as now; starts at the real time so webhooks' times agree. */
  clock: { now: number };
  /** The refs of `ScenarioOptions.templates`, in the provider's shape. */
  templateRefs: string[];
}

export interface ScenarioOptions {
  /** false: no intake bot (only what webhooks themselves store). */
  bot?: boolean;
  /** Approved templates the provider lists; synced at start (awaited), their refs in `templateRefs` in this order. */
  templates?: { name: string; language: string; body: string }[];
}

/** A provider's fake and an app configured for it, the bot on (unless `bot: false`), retries without waiting. */
export async function scenarioApp(provider: ProviderDriver, database: Driver = 'pglite', opts: ScenarioOptions = {}): Promise<Scenario> {
  const fake = provider.start();
  const clock = { now: Date.now() };
  try {
    // Listed before the start, so the start's own sync (server/wiring) takes them: a later sync could race it.
    const templateRefs = (opts.templates ?? []).map((template) => fake.addTemplate(template));
    const overrides = { now: () => clock.now, timerPollMs: 0, outboxBackoffMs: () => 0, mediaRetryDelaysMs: [0, 0], bot: opts.bot };
    const t = await testApp(database, { env: fake.env, overrides });
    if (templateRefs.length) await t.waitForLog((line) => line.msg === 'templates synced');
    return {
      fake,
      t,
      clock,
      templateRefs,
      async [Symbol.asyncDispose]() {
        await t[Symbol.asyncDispose]();
        await fake.stop();
      },
    };
  } catch (error) {
    await fake.stop();
    throw error;
  }
}

/**
 * Waits until what `key`'s last step set off has run: her actor's events, due timers, sends, media downloads, and the
 * actor's handling of their outcomes. Never sleeps: each step awaits its queue's own idle.
 */
export async function settle(t: TestApp, key: string): Promise<void> {
  const ask = () => t.services.conversations.registry.ask(key, () => null);
  await ask();
  await t.services.timers.runOnce();
  await ask();
  await t.services.media.idle();
  await ask();
  await t.services.outbox.idle();
  await ask();
}

/** One message we sent her, as stored: the bot's script key (`?` for others), its text, status and provider id. */
export interface Outgoing {
  key: string;
  sender: string;
  body: string;
  status: string;
  providerSid: string | null;
}

/** Every message to `key` from the bot or a recruiter, oldest first. */
export async function outgoing(t: TestApp, key: string): Promise<Outgoing[]> {
  const rows = await t.database.db
    .select({ extra: messages.extra, sender: messages.sender, body: messages.body, status: messages.status, providerSid: messages.providerSid })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .where(and(eq(aspirants.whatsappId, key), ne(messages.sender, 'aspirant')))
    .orderBy(asc(messages.id));
  return rows.map(({ extra, ...r }) => ({ key: (extra as { messageKey?: string } | null)?.messageKey ?? '?', ...r }));
}

/** The bot's messages to `key`, oldest first. */
export async function botMessages(t: TestApp, key: string): Promise<Outgoing[]> {
  return (await outgoing(t, key)).filter((m) => m.sender === 'bot');
}

export async function conversationOf(t: TestApp, key: string) {
  const [row] = await t.database.db
    .select({ id: conversations.id, status: conversations.status, botPaused: conversations.botPaused })
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .where(eq(aspirants.whatsappId, key));
  if (!row) throw new Error(`no conversation for ${key}`);
  return row;
}

/** Rows of the tables a webhook writes: what "nothing stored" is measured by. */
export async function storedCounts(t: TestApp): Promise<{ inboundEvents: number; messages: number; aspirants: number; media: number }> {
  const db = t.database.db;
  return {
    inboundEvents: (await db.select({ id: inboundEvents.id }).from(inboundEvents)).length,
    messages: (await db.select({ id: messages.id }).from(messages)).length,
    aspirants: (await db.select({ id: aspirants.id }).from(aspirants)).length,
    media: (await db.select({ id: media.id }).from(media)).length,
  };
}

export interface Recruiter {
  id: number;
  /** GETs `path` with her session cookie; resolves with the page's HTML (throws on a status other than 200). */
  get(path: string): Promise<string>;
  /** POSTs a form to `path` with her session cookie and CSRF token, as the inbox page's htmx does. */
  post(path: string, form: Record<string, string>): Promise<Response>;
}

/** A signed-in recruiter (the same session rows test/inbox.test writes). */
export async function recruiter(t: TestApp, name = 'Rita'): Promise<Recruiter> {
  const user = await insertUser(t.database.db, { email: `${name.toLowerCase()}@agency.co`, name, role: 'recruiter', passwordHash: 'x' });
  const session = await createSession(t.database.db, user.id, new Date());
  const cookie = `wasap_session=${session.token}`;
  return {
    id: user.id,
    async get(path) {
      const response = await t.request(path, { headers: { cookie, accept: 'text/html' } });
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
      return response.text();
    },
    post: (path, form) =>
      t.request(path, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': session.csrfToken, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }),
  };
}
