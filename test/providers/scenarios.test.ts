/**
 * @module test/providers/scenarios.test — the same scenarios through Twilio and through Meta's Cloud API, with only
 * the provider's fake changed (test/support/provider-driver): the intake bot from welcome to hand-off with her photo
 * fetched through the provider, a recruiter's reply, statuses out of order, and a webhook delivered twice.
 * test/providers/scenarios-window.test holds the 24-hour window and opt-out.
 */
import { describe, expect, test } from 'bun:test';
import { and, eq } from 'drizzle-orm';
import { inboundEvents, media, messages } from '../../server/db/schema';
import { drivers } from '../support/db';
import { COMPLETE_FORM, urlencoded } from '../support/form';
import { DRIVERS, metaDriver, PNG, PUBLIC_URL } from '../support/provider-driver';
import { botMessages, conversationOf, recruiter, scenarioApp, settle, type Scenario } from './scenario-app';

const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
/** The path of the personal form link in a message's text (`https://wasap.test/f/v1.<id>.<expiry>.<signature>`). */
const FORM_LINK = new RegExp(`${PUBLIC_URL.replaceAll('.', '\\.')}(/f/v1\\.[A-Za-z0-9._-]+)`);

/**
 * The intake bot from her first message to the hand-off, as she lives it: the welcome holds her personal form link,
 * she fills the form, is asked for a photo, sends one (fetched through the provider and stored), and is thanked and
 * handed to a recruiter. `her` is her number, or for Meta her BSUID alone.
 */
async function intakeToHandOff(s: Scenario, her: string): Promise<void> {
  const { t, fake } = s;
  expect((await fake.inbound(t, { from: her, body: 'Hola, quiero ser modelo' })).response.status).toBe(200);
  const [welcome] = await fake.waitForSent(1);
  expect(welcome).toMatchObject({ to: fake.addressOf(her) });
  const path = FORM_LINK.exec(welcome!.body ?? '')?.[1];
  expect(path).toBeString();

  const submitted = await t.request(path!, { method: 'POST', headers: FORM_HEADERS, body: urlencoded({ ...COMPLETE_FORM, locale: 'es', nonce: crypto.randomUUID() }) });
  expect(submitted.status).toBe(303);
  await settle(t, her);
  await fake.waitForSent(2);
  expect((await conversationOf(t, her)).status).toBe('pending_photo');

  expect((await fake.inbound(t, { from: her, photo: PNG })).response.status).toBe(200);
  await settle(t, her);
  const received = await fake.waitForSent(4);
  const bot = await botMessages(t, her);
  expect(bot.map((m) => m.key)).toEqual(['welcome', 'photo_request', 'affirmation', 'handoff']);
  // What she received is what the inbox shows, in order, all to her, each under the provider's id.
  expect(received.map((m) => ({ to: m.to, body: m.body }))).toEqual(bot.map((m) => ({ to: fake.addressOf(her), body: m.body })));
  await settle(t, her);
  expect((await botMessages(t, her)).map((m) => m.providerSid)).toEqual(received.map((m) => m.id));
  expect(await conversationOf(t, her)).toMatchObject({ status: 'needs_attention' });

  const [photo] = await t.database.db.select({ state: media.state, blobKey: media.blobKey, contentType: media.contentType }).from(media);
  expect(photo).toMatchObject({ state: 'stored', contentType: 'image/png' });
  // The bytes exist only in the fake: stored bytes equal to them came through the provider.
  const blob = await t.services.blobs.get(photo!.blobKey!);
  expect(blob?.bytes).toEqual(PNG);
}

describe.each(DRIVERS)('through $name', (provider) => {
  describe.each(drivers)('on %s', (database) => {
    test('welcome with her form link → form → photo request → her photo fetched through the provider → affirmation → hand-off', async () => {
      await using s = await scenarioApp(provider, database);
      await intakeToHandOff(s, '+573001230001');
    });

    test('a recruiter’s reply from the inbox reaches her through the provider, and the bot pauses', async () => {
      await using s = await scenarioApp(provider, database);
      const { t, fake } = s;
      const her = '+573001230002';
      await fake.inbound(t, { from: her, body: 'Hola' });
      await settle(t, her);
      const before = (await fake.waitForSent(1)).length;
      const rita = await recruiter(t);
      const { id } = await conversationOf(t, her);
      const response = await rita.post(`/inbox/${id}/messages`, { body: 'Hola Valentina, soy Rita 👋\r\n¿Tienes book?' });
      expect(response.status).toBe(200);
      const sent = await fake.waitForSent(before + 1);
      expect(sent.at(-1)).toMatchObject({ to: fake.addressOf(her), body: 'Hola Valentina, soy Rita 👋\n¿Tienes book?' });
      expect(sent.at(-1)!.template).toBeUndefined();
      await settle(t, her);
      const [row] = await t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'));
      // Accepted by the provider, not yet reported sent: `queued` until its status callback says more.
      expect(row).toMatchObject({ authorId: rita.id, providerSid: sent.at(-1)!.id, status: 'queued' });
      // A recruiter took over: her next question gets no bot answer.
      await fake.inbound(t, { from: her, body: '¿cuánto pagan?' });
      await settle(t, her);
      expect(fake.sent()).toHaveLength(before + 1);
      expect((await conversationOf(t, her)).botPaused).toBe(true);
    });

    test('statuses out of order (read, delivered, sent): the message ends read and never moves back', async () => {
      await using s = await scenarioApp(provider, database);
      const { t, fake } = s;
      const her = '+573001230003';
      await fake.inbound(t, { from: her, body: 'Hola' });
      await settle(t, her);
      const [welcome] = await fake.waitForSent(1);
      const statusOf = async () => (await botMessages(t, her))[0]!.status;
      expect(await statusOf()).toBe('queued');
      for (const status of ['read', 'delivered', 'sent']) {
        expect((await fake.status(t, welcome!.id, her, status)).status).toBe(200);
        await settle(t, her);
        expect(await statusOf()).toBe('read');
      }
      // Each callback was stored once (a repeat of one is not a new event).
      const statuses = () => t.database.db.select({ sid: inboundEvents.providerSid }).from(inboundEvents).where(eq(inboundEvents.kind, 'status'));
      expect(await statuses()).toHaveLength(3);
      expect((await fake.status(t, welcome!.id, her, 'delivered')).status).toBe(200);
      await settle(t, her);
      expect(await statuses()).toHaveLength(3);
      expect(await statusOf()).toBe('read');
    });

    test('one message delivered twice (the same id, at once and again later) is stored once and answered once', async () => {
      await using s = await scenarioApp(provider, database);
      const { t, fake } = s;
      const her = '+573001230004';
      const first = await fake.inbound(t, { from: her, body: 'Hola, quiero información' });
      const again = await Promise.all([fake.inbound(t, { from: her, body: 'Hola, quiero información', id: first.id }), fake.inbound(t, { from: her, body: 'Hola, quiero información', id: first.id })]);
      expect([first, ...again].map((p) => p.response.status)).toEqual([200, 200, 200]);
      await settle(t, her);
      await fake.waitForSent(1);
      expect((await fake.inbound(t, { from: her, body: 'Hola, quiero información', id: first.id })).response.status).toBe(200);
      await settle(t, her);
      const events = await t.database.db.select().from(inboundEvents).where(eq(inboundEvents.providerSid, first.id));
      expect(events).toHaveLength(1);
      const hers = await t.database.db
        .select()
        .from(messages)
        .where(and(eq(messages.sender, 'aspirant'), eq(messages.providerSid, first.id)));
      expect(hers).toHaveLength(1);
      expect((await botMessages(t, her)).map((m) => m.key)).toEqual(['welcome']);
      expect(fake.sent()).toHaveLength(1);
    });
  });
});

describe('through meta only', () => {
  test('an aspirant known by her BSUID alone (a username, no number) goes from welcome to hand-off, every message to her BSUID', async () => {
    await using s = await scenarioApp(metaDriver);
    await intakeToHandOff(s, 'CO.1502576394655843');
  });
});
