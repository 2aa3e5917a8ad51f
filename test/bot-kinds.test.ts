/**
 * @module test/bot-kinds.test — the bot reacts to what was really sent, end to end: signed Twilio webhooks of each
 * kind (test/support/twilio-kinds), real file bytes served by the fake Twilio, and what the fake Twilio records the
 * bot sending. A first photo, voice note or pin is welcomed once; at the photo step a sticker gets "not a photo" and
 * stays, a real JPEG advances; an English first message gets the English welcome; STOP and START are confirmed once.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { conversations, media } from '../server/db/schema';
import { testApp } from './support/app';
import { PROFILE } from './support/bot';
import { drivers, type Driver } from './support/db';
import { startFakeTwilio } from './support/fake-twilio';
import { DOCX, DOCX_TYPE, JPEG, OGG_OPUS, PNG, VCARD, WEBP } from './support/files';
import { inboundParams, signedPost, twilioEnv } from './support/twilio-env';
import { KIND_FIXTURES } from './support/twilio-kinds';

const PHONE = '+573015550199';
const FORM_LINK = /\/f\/v1\.\d+\.\d+\.[A-Za-z0-9_-]{43}/;

async function setup(driver: Driver) {
  const fake = startFakeTwilio();
  const t = await testApp(driver, { env: twilioEnv(fake), overrides: { mediaRetryDelaysMs: [0, 0] } });
  /** Everything her message set going is done: the actor's commit, the file's download, the bot's sends. */
  async function settle() {
    await t.services.conversations.registry.ask(PHONE, () => null);
    await t.services.media.idle();
    await t.services.conversations.registry.ask(PHONE, () => null);
    await t.services.outbox.idle();
  }
  return {
    fake,
    t,
    /** Posts her message as Twilio signs it (fields beyond the envelope from a kind's fixture) and waits for what follows. */
    async post(body: string, fields: Record<string, string> = {}) {
      // A fixture's own fields (its Body too) win over `body`.
      const response = await signedPost(t, '/webhooks/twilio', inboundParams(fake, PHONE, body, fields), fake.authToken);
      expect(response.status).toBe(200);
      await settle();
    },
    /** What the fake Twilio received for her, in order. */
    sent: () => fake.messages.filter((m) => m.to === `whatsapp:${PHONE}`).map((m) => m.body ?? ''),
    async submitForm(locale: 'es' | 'en' = 'es') {
      const [row] = await t.database.db.select({ aspirantId: conversations.aspirantId }).from(conversations);
      await t.services.conversations.acceptForm(PHONE, { aspirantId: row!.aspirantId, profile: { ...PROFILE, locale }, source: 'hosted' });
      await settle();
    },
    async conversation() {
      const [row] = await t.database.db.select().from(conversations);
      return { status: row!.status, step: (row!.botState as { step: string }).step };
    },
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await fake.stop();
    },
  };
}

describe.each(drivers)('the bot and what was really sent, on %s', (driver) => {
  type Served = (bytes: Uint8Array, type: string) => string;
  test.each<[string, (served: Served) => Record<string, string>]>([
    ['a photo', (served) => KIND_FIXTURES.photo.fields(served(PNG, 'image/jpeg'))],
    ['a voice note', (served) => KIND_FIXTURES.voiceNote.fields(served(OGG_OPUS, 'audio/ogg'))],
    ['a location', () => KIND_FIXTURES.location.fields()],
  ])('an aspirant who starts with %s gets exactly one welcome with the form link', async (_name, fields) => {
    await using s = await setup(driver);
    const params = fields((bytes, type) => s.fake.addMedia(bytes, type));
    await s.post('', params);
    const sent = s.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(FORM_LINK);
    expect(sent[0]).toStartWith('¡Hola, Valentina!');
    expect(await s.conversation()).toEqual({ status: 'pending_form', step: 'awaiting_form' });
  });

  test('at the photo step a sticker gets "not a photo" and stays; then a real JPEG advances to the hand-off', async () => {
    await using s = await setup(driver);
    await s.post('Hola, quiero ser modelo');
    await s.submitForm();
    expect(s.sent()).toHaveLength(2);
    await s.post('', KIND_FIXTURES.sticker.fields(s.fake.addMedia(WEBP, 'image/webp')));
    expect(s.sent().slice(2)).toEqual([expect.stringContaining('no es una foto')]);
    expect(await s.conversation()).toEqual({ status: 'pending_photo', step: 'awaiting_photo' });
    await s.post('', KIND_FIXTURES.photo.fields(s.fake.addMedia(JPEG, 'image/jpeg')));
    expect(s.sent().slice(3)).toEqual([expect.stringContaining('Recibimos tu foto'), expect.stringContaining('va a revisar tu perfil')]);
    expect(await s.conversation()).toEqual({ status: 'needs_attention', step: 'with_recruiter' });
    const stored = await s.t.database.db.select({ kind: media.kind, contentType: media.contentType }).from(media);
    expect(stored).toEqual([
      { kind: 'image', contentType: 'image/webp' },
      { kind: 'image', contentType: 'image/jpeg' },
    ]);
  });

  test('a file declared image/jpeg that is not an image is "not a photo" too, in English for an English speaker', async () => {
    await using s = await setup(driver);
    await s.post('Hi! I saw your ad and I want to work with you');
    await s.submitForm('en');
    await s.post('', KIND_FIXTURES.photo.fields(s.fake.addMedia('<html><script>alert(1)</script></html>', 'image/jpeg')));
    expect(s.sent().at(-1)).toContain("isn't a photo");
    expect(await s.conversation()).toEqual({ status: 'pending_photo', step: 'awaiting_photo' });
  });

  test('an English first message gets the English welcome; a caption is text to the bot (FAQ)', async () => {
    await using s = await setup(driver);
    await s.post('Hi! I would like to work with you');
    expect(s.sent()).toEqual([expect.stringMatching(/^Hi Valentina! 👋[\s\S]*fill in this short form/)]);
    await s.post('', { ...KIND_FIXTURES.photo.fields(s.fake.addMedia(PNG, 'image/jpeg')), Body: 'How much do you pay?' });
    expect(s.sent().slice(1)).toEqual([expect.stringContaining('Pay depends on each project')]);
  });

  test('STOP and START each get one confirmation, the first though she opted out; nothing else goes out between', async () => {
    await using s = await setup(driver);
    await s.post('Hola');
    await s.post('STOP');
    expect(s.sent().slice(1)).toEqual(['Listo, no te enviaremos más mensajes. Si cambias de opinión, escribe ALTA.']);
    await s.post('STOP');
    await s.post('¿cuánto pagan?');
    expect(s.sent()).toHaveLength(2);
    await s.post('START');
    expect(s.sent().slice(2)).toEqual(['¡Listo! Volverás a recibir nuestros mensajes. Para dejar de recibirlos, escribe BAJA.']);
  });

  test('a CV as .docx and a contact card are stored as downloads with their types', async () => {
    await using s = await setup(driver);
    await s.post('', KIND_FIXTURES.cvDocx.fields(s.fake.addMedia(DOCX, DOCX_TYPE)));
    await s.post('', KIND_FIXTURES.contact.fields(s.fake.addMedia(VCARD, 'text/vcard')));
    const rows = await s.t.database.db.select({ state: media.state, kind: media.kind, contentType: media.contentType, size: media.size }).from(media).orderBy(media.id);
    expect(rows).toEqual([
      { state: 'stored', kind: 'document', contentType: DOCX_TYPE, size: DOCX.length },
      { state: 'stored', kind: 'document', contentType: 'text/vcard', size: VCARD.length },
    ]);
    const [first] = await s.t.database.db.select({ blobKey: media.blobKey }).from(media).where(eq(media.contentType, DOCX_TYPE));
    expect(first?.blobKey).toMatch(/\.docx$/);
  });
});
