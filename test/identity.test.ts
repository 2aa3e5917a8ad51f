/**
 * @module test/identity.test — an aspirant found by her provider identity (BSUID where present, else phone), end to
 * end: a username-only aspirant through the whole intake and a recruiter's reply to her BSUID; the same person later
 * with her number (and the reverse); a phone-keyed aspirant getting her BSUID; two first messages at once; the inbox,
 * its search and a replay showing her username where there is no number.
 */
import { describe, expect, test } from 'bun:test';
import { asc, eq } from 'drizzle-orm';
import { contentFromMedia } from '../actors/conversation/message-kinds';
import { createSession } from '../server/auth/sessions';
import { insertUser, toPublicUser } from '../server/db/queries/users';
import { aspirants, conversations, inboundEvents, messages, outbox } from '../server/db/schema';
import { createScriptCache } from '../server/services/bot-scripts';
import { replayConversation } from '../server/services/replay';
import type { InboundMessage, WhatsAppIdentity } from '../server/whatsapp/port';
import { botApp } from './support/bot';
import type { TestApp } from './support/app';
import { drivers } from './support/db';
import { COMPLETE_FORM, formPathFor, urlencoded } from './support/form';
import { createInboundWriter } from '../server/db/batch-insert';

const B = 'CO.1502576394655843';
const PHONE = '+573001234567';
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));

let sids = 0;
/** A message as Meta's parser hands it over: `wamid.…`, her identity, her profile name. */
function message(from: WhatsAppIdentity, body: string, media: InboundMessage['media'] = []): InboundMessage {
  return { messageSid: `wamid.HBgM${(++sids).toString().padStart(8, '0')}`, from, body, media, content: contentFromMedia(media), raw: {}, profileName: 'Valentina' };
}

/** Hands `from`'s message to the intake and waits until her actor, timers, outbox and media queue are done with it. */
async function say(t: TestApp, from: WhatsAppIdentity, body: string, media: InboundMessage['media'] = []): Promise<string> {
  const { key } = await t.services.conversations.acceptInbound(message(from, body, media));
  await settle(t, key!);
  return key!;
}

async function settle(t: TestApp, key: string): Promise<void> {
  for (const idle of [() => t.services.timers.runOnce(), () => t.services.outbox.idle(), () => t.services.simulator!.idle(), () => t.services.media.idle()]) {
    await t.services.conversations.registry.ask(key, () => null);
    await idle();
  }
  await t.services.conversations.registry.ask(key, () => null);
}

async function recruiter(t: TestApp) {
  const user = toPublicUser(await insertUser(t.database.db, { email: 'rita@agency.co', name: 'Rita', role: 'admin', passwordHash: 'x' }));
  const session = await createSession(t.database.db, user.id, new Date());
  const page = async (path: string) => (await t.request(path, { headers: { cookie: `wasap_session=${session.token}`, accept: 'text/html' } })).text();
  return { id: user.id, page };
}

const counts = async (t: TestApp) => ({ aspirants: await t.database.db.$count(aspirants), conversations: await t.database.db.$count(conversations) });
const people = (t: TestApp) =>
  t.database.db.select({ key: aspirants.whatsappId, phone: aspirants.phone, bsuid: aspirants.bsuid, username: aspirants.username }).from(aspirants).orderBy(asc(aspirants.id));

describe.each(drivers)('identity by BSUID, else phone (%s)', (driver) => {
  test('a username-only aspirant goes through the whole intake, a recruiter replies to her BSUID, the inbox shows her username', async () => {
    const { t } = await botApp(driver);
    await using _ = t;
    const her = { bsuid: B, username: 'vale.g' };
    expect(await say(t, her, 'Hola, quiero ser modelo')).toBe(B);
    const [aspirant] = await t.database.db.select().from(aspirants);
    expect(aspirant).toMatchObject({ whatsappId: B, bsuid: B, phone: null, username: 'vale.g', whatsappName: 'Valentina' });

    // The welcome carries a form link signed with her aspirant id: no number in it, none needed.
    const { path, fromBot } = await formPathFor(t, aspirant!);
    expect(fromBot).toBe(true);
    const submitted = await t.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: urlencoded({ ...COMPLETE_FORM, locale: 'es' }),
    });
    expect(submitted.status).toBe(303);
    await settle(t, B);
    expect((await t.database.db.select().from(conversations))[0]?.status).toBe('pending_photo');
    await say(t, her, '', [{ url: t.services.simulator!.addMedia(PNG, 'image/jpeg'), contentType: 'image/jpeg' }]);
    const bot = await t.database.db.select({ extra: messages.extra }).from(messages).where(eq(messages.sender, 'bot')).orderBy(asc(messages.id));
    expect(bot.map((m) => (m.extra as { messageKey?: string }).messageKey)).toEqual(['welcome', 'photo_request', 'affirmation', 'handoff']);
    expect((await t.database.db.select().from(conversations))[0]?.status).toBe('needs_attention');

    // A recruiter's reply goes to her BSUID (the simulator's phone for it hears it) and is delivered.
    const rita = await recruiter(t);
    const heard: string[] = [];
    t.services.hub.listen((topic, data) => topic === `phone:${B}` && heard.push(data));
    const reply = await t.services.conversations.reply(B, { userId: rita.id, body: 'Hola Vale, soy Rita' });
    expect(reply.ok).toBe(true);
    await settle(t, B);
    const sent = await t.database.db.select({ to: outbox.toNumber, messageId: outbox.messageId }).from(outbox).orderBy(asc(outbox.id));
    expect(new Set(sent.map((row) => row.to))).toEqual(new Set([B]));
    expect(sent.at(-1)!.messageId).toBe(reply.messageId!);
    expect(heard.some((html) => html.includes('Hola Vale, soy Rita'))).toBe(true);
    // A status that beat the send's bookkeeping is parked and told again once the sid is recorded: settle until then.
    const statusOf = async () => (await t.database.db.select({ status: messages.status }).from(messages).where(eq(messages.id, reply.messageId!)))[0]!.status;
    for (let round = 0; round < 5 && (await statusOf()) !== 'delivered'; round++) await settle(t, B);
    expect(await statusOf()).toBe('delivered');

    // The inbox: her username where her number would be, her BSUID among her details, no number anywhere.
    const [conversation] = await t.database.db.select({ id: conversations.id }).from(conversations);
    const panel = await rita.page(`/inbox/${conversation!.id}`);
    expect(panel).toContain('<p class="muted small">@vale.g</p>');
    expect(panel).toContain('<p class="contact">@vale.g</p>');
    expect(panel).toContain(`<code>${B}</code>`);
    expect(panel).toContain('Oculto');
    expect(panel).not.toContain('tel:');
    const list = await rita.page('/inbox?q=%40vale.g');
    expect(list).toContain(`conv-row-${conversation!.id}`);
    expect(list).not.toMatch(/\+57\d/);
    expect(await rita.page('/inbox?q=otra.persona')).not.toContain(`conv-row-${conversation!.id}`);

    // A replay treats her key as the opaque string it is.
    const replay = await replayConversation(t.database.db, conversation!.id, {
      scripts: createScriptCache(t.database.db),
      forms: { secret: 'x'.repeat(32), publicUrl: t.config.publicUrl, ttlMs: 60_000, agencyName: t.config.agencyName },
    });
    expect(replay.steps.length).toBeGreaterThan(3);
    expect(replay.differences).toBe(0);
  });

  test('BSUID only, later BSUID and phone: one aspirant, one conversation, her number now shown; the reverse order too', async () => {
    const { t } = await botApp(driver);
    await using _ = t;
    const rita = await recruiter(t);
    expect(await say(t, { bsuid: B, username: 'vale.g' }, 'Hola')).toBe(B);
    expect(await say(t, { bsuid: B, phone: PHONE, username: 'vale.g' }, 'Les comparto mi número')).toBe(B);
    expect(await counts(t)).toEqual({ aspirants: 1, conversations: 1 });
    expect(await people(t)).toEqual([{ key: B, phone: PHONE, bsuid: B, username: 'vale.g' }]);
    const [first] = await t.database.db.select({ id: conversations.id }).from(conversations);
    const panel = await rita.page(`/inbox/${first!.id}`);
    expect(panel).toContain(`href="tel:${PHONE}"`);
    expect(panel).toContain('@vale.g');
    // Replies keep going to her key: Meta takes a BSUID as well as a number.
    const sent = await t.database.db.select({ to: outbox.toNumber }).from(outbox);
    expect(new Set(sent.map((r) => r.to))).toEqual(new Set([B]));

    // The reverse: first her number and BSUID (keyed by the number), later her BSUID alone.
    const other = { bsuid: 'CO.9988776655', phone: '+573112223344' };
    expect(await say(t, other, 'Hola')).toBe(other.phone);
    expect(await say(t, { bsuid: other.bsuid, username: 'ana' }, '¿Siguen ahí?')).toBe(other.phone);
    expect(await counts(t)).toEqual({ aspirants: 2, conversations: 2 });
    const inbound = await t.database.db
      .select({ key: aspirants.whatsappId, body: messages.body })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
      .where(eq(messages.sender, 'aspirant'))
      .orderBy(asc(messages.id));
    expect(inbound).toEqual([
      { key: B, body: 'Hola' },
      { key: B, body: 'Les comparto mi número' },
      { key: other.phone, body: 'Hola' },
      { key: other.phone, body: '¿Siguen ahí?' },
    ]);
  });

  test('an aspirant known by her number before BSUIDs gets hers linked; a later BSUID-only message finds her', async () => {
    const { t } = await botApp(driver);
    await using _ = t;
    expect(await say(t, { phone: PHONE }, 'Hola')).toBe(PHONE);
    expect(await people(t)).toEqual([{ key: PHONE, phone: PHONE, bsuid: null, username: null }]);
    expect(await say(t, { phone: PHONE, bsuid: B }, 'Hola otra vez')).toBe(PHONE);
    expect(await say(t, { bsuid: B, username: 'vale.g' }, 'Ahora sin número')).toBe(PHONE);
    expect(await people(t)).toEqual([{ key: PHONE, phone: PHONE, bsuid: B, username: 'vale.g' }]);
    expect(await counts(t)).toEqual({ aspirants: 1, conversations: 1 });
    expect(await t.database.db.$count(messages, eq(messages.sender, 'aspirant'))).toBe(3);
  });

  test('two first messages of one new username-only person at once make one aspirant and one conversation', async () => {
    const { t } = await botApp(driver);
    await using _ = t;
    const her = { bsuid: B, username: 'vale.g' };
    const accepted = await Promise.all([t.services.conversations.acceptInbound(message(her, 'Hola')), t.services.conversations.acceptInbound(message({ ...her, phone: PHONE }, '¿Hay casting?'))]);
    expect(accepted.map((a) => a.key)).toEqual([B, B]);
    await settle(t, B);
    expect(await counts(t)).toEqual({ aspirants: 1, conversations: 1 });
    expect(await people(t)).toEqual([{ key: B, phone: PHONE, bsuid: B, username: 'vale.g' }]);
    const keys = await t.database.db.select({ key: inboundEvents.conversationKey }).from(inboundEvents).where(eq(inboundEvents.kind, 'message'));
    expect(keys.map((k) => k.key)).toEqual([B, B]);
    expect(await t.database.db.$count(messages, eq(messages.sender, 'aspirant'))).toBe(2);
    // Her welcome went out once, to her key.
    expect(await t.database.db.select({ to: outbox.toNumber }).from(outbox)).toEqual([{ to: B }]);
  });

  test('a number that comes with another BSUID is someone else now holding it: her own aspirant, the first one untouched', async () => {
    const [PA, BA, BB] = ['+573001110001', 'CO.1111111111111111', 'CO.2222222222222222'];
    const { t } = await botApp(driver);
    await using _ = t;
    expect(await say(t, { phone: PA, bsuid: BA, username: 'duena' }, 'Hola, soy la dueña original')).toBe(PA);
    await say(t, { phone: PA, bsuid: BA }, 'BAJA');
    // A new WhatsApp account (another BSUID) now holds the number: she is keyed by her BSUID, without the number.
    const k1 = await say(t, { phone: PA, bsuid: BB, username: 'nueva' }, 'Hola, soy otra persona');
    const k2 = await say(t, { bsuid: BB, username: 'nueva' }, 'Sigo siendo la otra persona');
    expect([k1, k2]).toEqual([BB, BB]);
    expect(await people(t)).toMatchObject([
      { key: PA, phone: PA, bsuid: BA, username: 'duena' },
      { key: BB, phone: null, bsuid: BB, username: 'nueva' },
    ]);
    // The first one's opt-out stays hers: nothing more went to her number.
    expect((await t.database.db.select({ to: outbox.toNumber }).from(outbox)).filter((row) => row.to === PA)).toHaveLength(2);
  });

  test('one statement never makes one person of two BSUIDs sharing a number: each row goes where it would alone', async () => {
    const [PA, BA, BB] = ['+573001110001', 'CO.1111111111111111', 'CO.2222222222222222'];
    const { t } = await botApp(driver);
    await using _ = t;
    expect(await say(t, { bsuid: BB, username: 'x' }, 'Soy X')).toBe(BB);
    const writer = createInboundWriter(t.database.db, { concurrency: 1 });
    const row = (sid: string, identity: WhatsAppIdentity) => writer.insert({ providerSid: sid, kind: 'message', identity, payload: {}, aspirant: { whatsappName: 'V' } });
    // The first row holds the writer; the next two share the following statement.
    const [, fresh, fromX] = await Promise.all([row('wamid.blocker', { phone: '+573005550000' }), row('wamid.new', { bsuid: BA, phone: PA }), row('wamid.fromX', { bsuid: BB, phone: PA })]);
    expect(fromX!.key).toBe(BB);
    expect(fresh!.key).toBe(PA);
  });
});
