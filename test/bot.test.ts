/** @module test/bot.test — the intake bot end to end: welcome, reminders on an injected clock, form, photo, hand-off, FAQ, pause/resume, restarts. */
import { describe, expect, test } from 'bun:test';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { botScripts, conversations, messages, timers } from '../server/db/schema';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { DEFAULT_SCRIPT_FILE } from '../server/services/bot-scripts';
import { buildServices } from '../server/wiring';
import { addUser } from '../server/services/users';
import type { InboundMessage } from '../server/whatsapp/inbound-parse';
import { botApp, inbound, PROFILE } from './support/bot';
import type { TestApp } from './support/app';
import { drivers } from './support/db';

const HOUR = 3_600_000;

async function settle(t: TestApp, key: string): Promise<void> {
  await t.services.conversations.registry.ask(key, () => null);
  await t.services.timers.runOnce();
  await t.services.conversations.registry.ask(key, () => null);
  await t.services.outbox.idle();
  await t.services.media.idle();
  await t.services.conversations.registry.ask(key, () => null);
}

async function botMessages(t: TestApp): Promise<string[]> {
  const rows = await t.database.db.select().from(messages).where(eq(messages.sender, 'bot')).orderBy(asc(messages.id));
  return rows.map((r) => (r.extra as { messageKey?: string } | null)?.messageKey ?? '?');
}

async function say(t: TestApp, key: string, body: string, media: InboundMessage['media'] = []): Promise<void> {
  await t.services.conversations.acceptInbound(inbound(key, body, media), Date.now());
  await settle(t, key);
}

async function submitForm(t: TestApp, key: string, profile = PROFILE): Promise<void> {
  const [row] = await t.database.db.select({ aspirantId: conversations.aspirantId }).from(conversations);
  await t.services.conversations.acceptForm(key, { aspirantId: row!.aspirantId, profile, source: 'hosted' });
  await settle(t, key);
}

/** A real 1×1 PNG, served by the simulator's media store (the worker downloads and sniffs it). */
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
const photo = (t: TestApp): InboundMessage['media'] => [{ url: t.services.simulator!.addMedia(PNG, 'image/jpeg'), contentType: 'image/jpeg' }];

describe.each(drivers)('intake bot on %s', (driver) => {
  test('welcome with the form link, photo request after the form, affirmation after a photo, then hand-off', async () => {
    const { t } = await botApp(driver);
    await using _ = t;
    const key = '+573001110001';
    await say(t, key, 'Hola, quiero ser modelo');
    expect(await botMessages(t)).toEqual(['welcome']);
    const [welcome] = await t.database.db.select().from(messages).where(eq(messages.sender, 'bot'));
    expect(welcome?.body).toMatch(/https:\/\/|http:\/\/localhost:\d+\/f\/v1\.\d+\.\d+\.[A-Za-z0-9_-]{43}/);
    expect((await t.database.db.select().from(conversations))[0]?.status).toBe('pending_form');
    await submitForm(t, key);
    expect(await botMessages(t)).toEqual(['welcome', 'photo_request']);
    expect((await t.database.db.select().from(conversations))[0]?.status).toBe('pending_photo');
    await say(t, key, 'ya va');
    expect((await botMessages(t)).at(-1)).toBe('photo_needed');
    await say(t, key, '', photo(t));
    expect((await botMessages(t)).slice(-2)).toEqual(['affirmation', 'handoff']);
    const [conversation] = await t.database.db.select().from(conversations);
    expect(conversation).toMatchObject({ status: 'needs_attention', botScript: 'intake@1' });
    const texts = (await t.database.db.select().from(messages).where(eq(messages.sender, 'bot'))).map((m) => m.body.toLowerCase());
    expect(texts.some((text) => /aprobad|approved/.test(text))).toBe(false);
  });

  test('a late form gets reminders at 4 h and later, at most two; the form cancels what is left', async () => {
    const { t, clock } = await botApp(driver);
    await using _ = t;
    const key = '+573001110002';
    await say(t, key, 'Hola');
    clock.now += 4 * HOUR - 1000;
    await settle(t, key);
    expect(await botMessages(t)).toEqual(['welcome']);
    clock.now += 2000;
    await settle(t, key);
    expect(await botMessages(t)).toEqual(['welcome', 'form_reminder_1']);
    await settle(t, key);
    expect(await botMessages(t)).toEqual(['welcome', 'form_reminder_1']);
    await submitForm(t, key);
    clock.now += 30 * HOUR;
    await settle(t, key);
    expect(await botMessages(t)).toEqual(['welcome', 'form_reminder_1', 'photo_request']);
    const pending = await t.database.db
      .select()
      .from(timers)
      .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt)));
    expect(pending).toEqual([]);
  });

  test('FAQ in Spanish and English at any step; a recruiter reply pauses the bot; resume brings it back', async () => {
    const { t } = await botApp(driver);
    await using _ = t;
    const key = '+573001110003';
    const user = await addUser(t.database.db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'recruiter', password: 'long enough pw' });
    await say(t, key, 'Hola, ¿cuánto pagan?');
    expect(await botMessages(t)).toEqual(['welcome', 'faq_pay']);
    await say(t, key, 'Is it safe?');
    expect((await botMessages(t)).at(-1)).toBe('faq_safety');
    await submitForm(t, key);
    await say(t, key, '¿Qué horarios tienen?');
    expect((await botMessages(t)).at(-1)).toBe('faq_schedule');
    expect((await t.services.conversations.reply(key, { userId: user.id, body: 'Hola Vale, soy Rita' })).ok).toBe(true);
    await settle(t, key);
    const before = (await botMessages(t)).length;
    await say(t, key, '¿cuánto pagan?');
    expect(await botMessages(t)).toHaveLength(before);
    expect((await t.database.db.select().from(conversations))[0]?.botPaused).toBe(true);
    await t.services.conversations.resumeBot(key, user.id);
    await say(t, key, '¿cuánto pagan?');
    expect((await botMessages(t)).at(-1)).toBe('faq_pay');
  });
});

/** A restart: stops the app's services, then builds and starts new ones on the same database (with `config`). */
async function restart(t: TestApp, now: () => number, config = t.config) {
  await t.services.stop();
  const services = buildServices({ config, database: t.database, logger: createLogger('silent'), metrics: createMetrics(), now, timerPollMs: 0 });
  await services.start();
  return services;
}

describe('intake bot across a restart', () => {
  test('a reminder scheduled before a restart fires once after it', async () => {
    const { t, clock } = await botApp();
    await using _ = t;
    const key = '+573001110004';
    await say(t, key, 'Hola');
    const services = await restart(t, () => clock.now);
    clock.now += 5 * HOUR;
    await services.timers.runOnce();
    await services.timers.runOnce();
    await services.conversations.registry.ask(key, () => null);
    await services.timers.runOnce();
    await services.conversations.registry.ask(key, () => null);
    await services.stop();
    expect(await botMessages(t)).toEqual(['welcome', 'form_reminder_1']);
  });

  test('AGENCY_NAME set after the first start is what the bot says next, even over a script that declares its own', async () => {
    const { t, clock } = await botApp();
    await using _ = t;
    await say(t, '+573001110005', 'Hola');
    const welcomes = async () => (await t.database.db.select().from(messages).where(eq(messages.sender, 'bot')).orderBy(asc(messages.id))).map((m) => m.body);
    expect((await welcomes())[0]).toContain('asistente virtual de Wasap Talent');
    const [published] = await t.database.db.select({ body: botScripts.body }).from(botScripts);
    expect(published!.body).not.toContain('Wasap Talent');
    // A version published before the name was read at send time carries its own; the deployment's wins.
    const { publishScript } = await import('../server/services/bot-scripts');
    const old = readFileSync(DEFAULT_SCRIPT_FILE, 'utf8').replace('defaultLocale: es', 'defaultLocale: es\n\nvariables:\n  agencyName: Agencia Vieja');
    await publishScript(t.database.db, old, 'test', true);
    const services = await restart(t, () => clock.now, { ...t.config, agencyName: 'Élite Modelos' });
    await services.conversations.acceptInbound(inbound('+573001110006', 'Hola'), clock.now);
    await services.conversations.registry.ask('+573001110006', () => null);
    await services.stop();
    const latest = (await welcomes()).at(-1)!;
    expect(latest).toContain('asistente virtual de Élite Modelos');
    expect(latest).not.toContain('Vieja');
  });
});
