/**
 * @module test/privacy/notice-link.test — "a new version is linked from the next message": decide() adds the link to
 * the first free-text message only when she authorised an older notice, once per version; the app does it for a bot's
 * and a recruiter's message, keeps it across an actor's restart, and caches the version in force.
 */
import { describe, expect, test } from 'bun:test';
import { asc, eq } from 'drizzle-orm';
import { decide, initialState } from '../../actors/conversation/decide';
import type { ConversationState, Effect } from '../../actors/conversation/types';
import { loadStates } from '../../server/conversations/state-statement';
import { insertUser } from '../../server/db/queries/users';
import { aspirants, conversations, messages } from '../../server/db/schema';
import { recordConsents } from '../../server/privacy/consents';
import { createNoticeInForce, noticeUrl } from '../../server/privacy/notice-link';
import { currentNotice, publishNotice } from '../../server/privacy/notices';
import { botApp, inbound } from '../support/bot';
import { drivers, testDatabase } from '../support/db';

const NOW = Date.UTC(2026, 11, 1, 15, 0, 0);
const V2 = { version: 2, url: 'https://wasap.example/privacy?version=2', text: { es: 'Aviso v2: https://wasap.example/privacy?version=2', en: 'Notice v2: https://wasap.example/privacy?version=2' } };

function state(notice: ConversationState['notice'], extra: Partial<ConversationState> = {}): ConversationState {
  return { ...initialState('+573001110000'), conversationId: 7, aspirantId: 3, lastInboundAt: NOW - 60_000, notice, ...extra };
}

const reply = (body: string, templateRef?: string) => ({ type: 'recruiter.replied' as const, userId: 1, commandId: 'c1', body, templateRef });
const sent = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'outbox.enqueue' ? [e.body] : []));
const added = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'message.add' ? [e.message] : []));

describe('decide() links a newer notice', () => {
  const ctx = { formLink: () => 'https://f', agencyName: 'Agencia', notice: V2 };

  test('once, on the first message, when she authorised an older version', () => {
    const first = decide(state({ consentedVersion: 1, linkedVersion: null }), reply('Hola Vale'), NOW, ctx);
    expect(sent(first.effects)).toEqual([`Hola Vale\n\n${V2.text.es}`]);
    expect(added(first.effects)[0]).toMatchObject({ body: `Hola Vale\n\n${V2.text.es}`, extra: { noticeVersion: 2 } });
    expect(first.state.notice).toEqual({ consentedVersion: 1, linkedVersion: 2 });
    const second = decide(first.state, reply('¿Sigues ahí?'), NOW, ctx);
    expect(sent(second.effects)).toEqual(['¿Sigues ahí?']);
  });

  test('in her language', () => {
    const en = state({ consentedVersion: 1, linkedVersion: null }, { facts: { locale: 'en', formSubmitted: true } });
    expect(sent(decide(en, reply('Hi'), NOW, ctx).effects)).toEqual([`Hi\n\n${V2.text.en}`]);
  });

  test('not when she authorised this version, never authorised, was linked already, or without a notice in force', () => {
    for (const notice of [{ consentedVersion: 2, linkedVersion: null }, { consentedVersion: null, linkedVersion: null }, { consentedVersion: 1, linkedVersion: 2 }, undefined]) {
      expect(sent(decide(state(notice), reply('Hola'), NOW, ctx).effects)).toEqual(['Hola']);
    }
    expect(sent(decide(state({ consentedVersion: 1, linkedVersion: null }), reply('Hola'), NOW, { ...ctx, notice: undefined }).effects)).toEqual(['Hola']);
  });

  test('not on a template nor on a message the line would push past one WhatsApp message: the next one carries it', () => {
    const owed = state({ consentedVersion: 1, linkedVersion: null }, { lastInboundAt: NOW - 2 * 86_400_000 });
    const template = decide(owed, reply('[template]', 'welcome@1'), NOW, ctx);
    expect(template.state.notice).toEqual({ consentedVersion: 1, linkedVersion: null });
    const long = decide(state({ consentedVersion: 1, linkedVersion: null }), reply('x'.repeat(1590)), NOW, ctx);
    expect(sent(long.effects)).toEqual(['x'.repeat(1590)]);
    expect(long.state.notice?.linkedVersion).toBeNull();
  });

  test('a form submitted now authorises the version in force: nothing to link after it', () => {
    const profile = {
      firstName: 'Vale',
      lastName: 'G',
      location: 'Cali',
      preferredModelingTypes: [],
      preferredShift: 'morning' as const,
      unavailableShifts: [],
      locale: 'es' as const,
      consent: true as const,
    };
    const after = decide(state({ consentedVersion: 1, linkedVersion: null }), { type: 'form.submitted', eventId: 1, submissionId: 1, profile, submittedAt: NOW }, NOW, ctx);
    expect(after.state.notice).toEqual({ consentedVersion: 2, linkedVersion: null });
  });
});

describe.each(drivers)('the notice link in the app on %s', (driver) => {
  test("a bot's and a recruiter's next message carry it once; an actor restarted from the database remembers", async () => {
    const { t, clock } = await botApp(driver);
    await using _app = t;
    const { db } = t.database;
    const key = '+573005550101';
    // She authorised version 1 (the built-in one) before; then an admin publishes version 2.
    const [her] = await db.insert(aspirants).values({ whatsappId: key, phone: key }).returning({ id: aspirants.id });
    await recordConsents(db, [
      { aspirantId: her!.id, scope: 'treatment', decision: 'authorisation', purposes: ['recruitment'], notice: await currentNotice(db, 'es'), channel: 'form', at: new Date(clock.now - 1000) },
    ]);
    await publishNotice(db, { es: { title: 'Aviso 2', body: 'Texto 2' }, author: 'boss@agency.co' });
    const link = noticeUrl(t.config.publicUrl, 2);

    await t.services.conversations.acceptInbound(inbound(key, 'hola'));
    await t.services.conversations.registry.ask(key, () => null);
    const [conversation] = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.aspirantId, her!.id));
    const ours = async () =>
      (await db.select({ sender: messages.sender, body: messages.body, extra: messages.extra }).from(messages).where(eq(messages.conversationId, conversation!.id)).orderBy(asc(messages.id))).filter(
        (m) => m.sender !== 'aspirant',
      );
    const welcome = await ours();
    expect(welcome.length).toBe(1);
    expect(welcome[0]!.body).toEndWith(`\n\nActualizamos nuestro aviso de privacidad (versión 2): ${link}`);
    expect(welcome[0]!.extra).toMatchObject({ noticeVersion: 2 });

    const user = await insertUser(db, { email: 'rita@agency.co', name: 'Rita', role: 'recruiter', passwordHash: 'x' });
    expect(await t.services.conversations.reply(key, { userId: user.id, body: 'Hola, soy Rita' })).toMatchObject({ ok: true });
    expect((await ours()).at(-1)!.body).toBe('Hola, soy Rita');
    // What a restarted actor reads back.
    const [loaded] = await loadStates(db, [key]);
    expect(loaded!.notice).toEqual({ consentedVersion: 1, linkedVersion: 2 });
  });

  test('the version in force is read once per 30 s', async () => {
    await using database = await testDatabase(driver);
    const clock = { now: NOW };
    const inForce = createNoticeInForce(database.db, 'https://wasap.example/', { now: () => clock.now });
    expect(await inForce()).toMatchObject({ version: 1, url: 'https://wasap.example/privacy?version=1' });
    await publishNotice(database.db, { es: { title: 'v2', body: 'dos' }, author: 'cli' });
    clock.now += 29_999;
    expect((await inForce()).version).toBe(1);
    clock.now += 1;
    expect(await inForce()).toMatchObject({ version: 2, text: { es: 'Actualizamos nuestro aviso de privacidad (versión 2): https://wasap.example/privacy?version=2' } });
  });
});
