/**
 * @module test/message-kinds.test — every kind of WhatsApp message, posted as a signed Twilio webhook, is stored as
 * what it is: its kind and fields, its text, its files, the message it refers to, the ad that brought her, the marks
 * of what was not kept as sent, and the raw webhook. Long texts are stored whole (never a 400); a pathological one is
 * stored cut and marked.
 */
import { describe, expect, test } from 'bun:test';
import { asc, eq, inArray } from 'drizzle-orm';
import { charCount } from '../actors/conversation/body-limit';
import { contentOfRow } from '../actors/conversation/message-kinds';
import { KIND_PREVIEWS } from '../actors/conversation/rules';
import { referredMessages } from '../server/db/queries/messages';
import { conversations, inboundEvents, media, messages } from '../server/db/schema';
import type { StoredPayload } from '../server/conversations/stored-events';
import { MAX_TEXT_CHARACTERS } from '../server/whatsapp/webhook-fields';
import { testApp } from './support/app';
import { drivers, type Driver } from './support/db';
import { startFakeTwilio } from './support/fake-twilio';
import { inboundParams, signedPost, twilioEnv } from './support/twilio-env';
import { KIND_FIXTURES, QUOTED_SID, type KindFixture } from './support/twilio-kinds';

const PHONE = '+573015550101';

async function setup(driver: Driver) {
  const fake = startFakeTwilio();
  const t = await testApp(driver, { env: twilioEnv(fake), overrides: { bot: false, mediaRetryDelaysMs: [0, 0] } });
  // A media URL of the fake Twilio that answers 404 at once: the files stay unavailable, the messages do not care.
  const mediaUrl = `${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM${'0'.repeat(32)}/Media/ME${'0'.repeat(32)}`;
  return {
    fake,
    t,
    mediaUrl,
    post: (params: Record<string, string>) => signedPost(t, '/webhooks/twilio', params, fake.authToken),
    async stored(sid: string) {
      await t.services.conversations.registry.ask(PHONE, () => null);
      const [row] = await t.database.db.select().from(messages).where(eq(messages.providerSid, sid));
      if (!row) throw new Error(`message ${sid} was not stored`);
      return row;
    },
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await fake.stop();
    },
  };
}

describe.each(drivers)('kinds of WhatsApp message on %s', (driver) => {
  test('each kind, as Twilio posts it, is stored with its kind, fields, text, files, reference, referral and raw webhook', async () => {
    await using s = await setup(driver);
    // The message the reply, the button and the reaction refer to.
    expect((await s.post({ ...inboundParams(s.fake, PHONE, 'Hola'), MessageSid: QUOTED_SID, SmsMessageSid: QUOTED_SID })).status).toBe(200);
    const posted: [string, KindFixture, Record<string, string>][] = [];
    for (const [name, fixture] of Object.entries(KIND_FIXTURES) as [string, KindFixture][]) {
      const params = inboundParams(s.fake, PHONE, '', fixture.fields(s.mediaUrl));
      const response = await s.post(params);
      expect({ name, status: response.status }).toEqual({ name, status: 200 });
      posted.push([name, fixture, params]);
    }
    for (const [name, fixture, params] of posted) {
      const row = await s.stored(params.MessageSid!);
      const extra = { ...(fixture.forwarded ? { forwarded: true } : {}), ...(fixture.marks ? { marks: fixture.marks } : {}) };
      const refersTo = fixture.content.kind === 'reaction' ? fixture.content.messageId : fixture.context?.messageId;
      expect({ name, kind: row.kind, content: contentOfRow(row.kind, row.content), body: row.body, refersTo: row.refersToSid, referral: row.referral, extra: row.extra }).toEqual({
        name,
        kind: fixture.content.kind,
        content: fixture.content,
        body: fixture.body,
        refersTo: refersTo ?? null,
        referral: fixture.referral ?? null,
        extra: Object.keys(extra).length ? extra : null,
      });
      const files = await s.t.database.db.select({ sourceUrl: media.sourceUrl }).from(media).where(eq(media.messageId, row.id)).orderBy(asc(media.id));
      expect({ name, files: files.length }).toEqual({ name, files: fixture.media?.length ?? 0 });
      // The webhook as Twilio sent it is kept with the event.
      const [event] = await s.t.database.db.select().from(inboundEvents).where(eq(inboundEvents.providerSid, params.MessageSid!));
      expect((event!.payload as StoredPayload).raw).toEqual(params);
    }
    // What a reply, a button or a reaction refers to resolves to our message.
    const [conversation] = await s.t.database.db.select().from(conversations);
    const quoted = await s.stored(QUOTED_SID);
    expect(await referredMessages(s.t.database.db, conversation!.id, [QUOTED_SID, 'SMnot-ours'])).toEqual(
      new Map([[QUOTED_SID, { id: quoted.id, providerSid: QUOTED_SID, sender: 'aspirant', kind: 'text', body: 'Hola' }]]),
    );
    // The last message (a pin with a bad coordinate, kept as unsupported) previews as such in the list.
    expect(conversation!.lastMessagePreview).toBe(KIND_PREVIEWS.unsupported);
  });

  test('a 10,000-character message and a 3,000-emoji message are stored whole (200, not 400), previews counted in characters', async () => {
    await using s = await setup(driver);
    for (const body of ['Hola, les cuento de mí. '.repeat(420).slice(0, 10_000), '💃🏽👠✨'.repeat(1000)]) {
      const params = inboundParams(s.fake, PHONE, body);
      expect((await s.post(params)).status).toBe(200);
      const row = await s.stored(params.MessageSid!);
      expect(row.body).toBe(body);
      expect(row.extra).toBeNull();
      const [conversation] = await s.t.database.db.select().from(conversations);
      expect(conversation!.lastMessagePreview!.isWellFormed()).toBe(true);
      expect(charCount(conversation!.lastMessagePreview!)).toBe(120);
    }
    expect(charCount('💃🏽👠✨'.repeat(1000))).toBe(4000);
  });

  test('a pathological 1 MB body (ASCII, or emoji) is stored cut to what WhatsApp allows and marked, never refused', async () => {
    await using s = await setup(driver);
    for (const [body, sent] of [
      ['a'.repeat(1024 * 1024), 1024 * 1024],
      ['🙂'.repeat(256 * 1024), 256 * 1024],
    ] as const) {
      const params = inboundParams(s.fake, PHONE, body);
      expect((await s.post(params)).status).toBe(200);
      const row = await s.stored(params.MessageSid!);
      expect(charCount(row.body)).toBe(MAX_TEXT_CHARACTERS);
      expect(body.startsWith(row.body)).toBe(true);
      expect(row.extra).toEqual({ marks: [{ field: 'Body', mark: 'cut', length: sent }] });
      const [event] = await s.t.database.db.select().from(inboundEvents).where(eq(inboundEvents.providerSid, params.MessageSid!));
      expect((event!.payload as StoredPayload).raw!.Body).toBe(row.body);
    }
  });

  test('odd parts of a signed message are kept and marked, not a 400: media without URLs, a bad coordinate, a WaId that is not digits', async () => {
    await using s = await setup(driver);
    const odd: Record<string, string>[] = [
      { NumMedia: '2' },
      { NumMedia: '12', MediaUrl0: s.mediaUrl, MediaContentType0: 'image/jpeg' },
      { Latitude: 'north', Longitude: '0', MessageType: 'location' },
      { WaId: 'not-digits' },
      { MessageType: 'brand_new_type' },
    ];
    const sids: string[] = [];
    for (const extra of odd) {
      const params = inboundParams(s.fake, PHONE, 'hola', extra);
      expect((await s.post(params)).status).toBe(200);
      sids.push(params.MessageSid!);
    }
    await s.stored(sids.at(-1)!);
    const rows = await s.t.database.db.select({ kind: messages.kind, extra: messages.extra }).from(messages).where(inArray(messages.providerSid, sids)).orderBy(asc(messages.id));
    expect(rows).toEqual([
      {
        kind: 'text',
        extra: {
          marks: [
            { field: 'MediaUrl0', mark: 'invalid' },
            { field: 'MediaUrl1', mark: 'invalid' },
          ],
        },
      },
      { kind: 'image', extra: { marks: [{ field: 'NumMedia', mark: 'ignored', length: 12 }, ...Array.from({ length: 9 }, (_, i) => ({ field: `MediaUrl${i + 1}`, mark: 'invalid' }))] } },
      { kind: 'unsupported', extra: { marks: [{ field: 'Latitude', mark: 'invalid' }] } },
      { kind: 'text', extra: { marks: [{ field: 'WaId', mark: 'invalid' }] } },
      { kind: 'unsupported', extra: null },
    ]);
  });
});
