/**
 * @module test/privacy/photos-consent.test — photos of her are sensitive data (Law 1581 Arts. 5–6): without the form's
 * `photos` box the bot asks for none and hands her to a recruiter, the thank-you page promises no photo request, and an
 * actor loaded again from the database still knows (loadStates); with the box, the photo request goes out as before.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq } from 'drizzle-orm';
import { botSettings } from '../../server/config';
import { loadStates } from '../../server/conversations/state-statement';
import { createScriptCache } from '../../server/services/bot-scripts';
import { replayConversation } from '../../server/services/replay';
import { conversations, guardians, messages } from '../../server/db/schema';
import type { InboundMessage } from '../../server/whatsapp/inbound-parse';
import { testApp, type TestApp } from '../support/app';
import { inbound, PROFILE } from '../support/bot';
import { aspirantWhoWrote, COMPLETE_FORM, formPathFor } from '../support/form';
import { botKeys, GUARDIAN_DOCUMENT, guardianPath, MINOR_FORM, postForm, statusOf } from './minors-support';

const PHOTO_LINE = 'te pediremos una foto';
const { consentPhotos: _photos, ...WITHOUT_PHOTOS } = COMPLETE_FORM;

/** A real 1×1 PNG, served by the simulator's media store (the worker downloads and sniffs it). */
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));

describe('her photos authorisation', () => {
  let t: TestApp;
  /** How far the app's clock is ahead of the real one: moved to make her actor idle, so it is passivated. */
  let skew = 0;
  beforeAll(async () => {
    t = await testApp('pglite', { overrides: { now: () => Date.now() + skew } });
  });
  afterAll(async () => {
    await t[Symbol.asyncDispose]();
  });

  /** She writes "Hola" and sends `fields` through the hosted form; returns her conversation and the thank-you page. */
  async function filled(number: string, fields: Record<string, string | readonly string[]>) {
    const aspirant = await aspirantWhoWrote(t, number, 'Vale');
    const { path } = await formPathFor(t, aspirant);
    const response = await postForm(t, path, fields);
    expect(response.status).toBe(303);
    await t.services.conversations.registry.ask(number, () => null);
    const [conversation] = await t.database.db.select().from(conversations).where(eq(conversations.aspirantId, aspirant.id));
    const thanks = await (await t.request(response.headers.get('location')!)).text();
    return { conversation: conversation!, thanks, path };
  }

  /** Passivates every actor: the next event loads her state from the database (loadStates). */
  async function passivate(number: string): Promise<void> {
    const { registry } = t.services.conversations;
    // Her sends' outcomes (the simulator's statuses) are events to her actor too: it goes once none is running.
    for (let round = 0; round < 20 && registry.has(number); round++) {
      await registry.ask(number, () => null);
      await t.services.outbox.idle();
      skew += t.config.actorIdleMs + 1;
      registry.sweep();
    }
    expect(registry.has(number)).toBe(false);
  }

  test('an adult without the photos box: no photo request, a kind word, a recruiter; a photo she sends anyway is kept', async () => {
    const number = '+573001240001';
    const { conversation, thanks } = await filled(number, WITHOUT_PHOTOS);
    expect(await botKeys(t, conversation.id)).toEqual(['welcome', 'form_received_no_photo']);
    expect(await statusOf(t, conversation.id)).toBe('needs_attention');
    expect(thanks).toContain('Recibimos tus datos.');
    expect(thanks).not.toContain(PHOTO_LINE);
    expect((await loadStates(t.database.db, [number]))[0]!.facts).toMatchObject({ photosAuthorised: false, formSubmitted: true });

    const media: InboundMessage['media'] = [{ url: t.services.simulator!.addMedia(PNG, 'image/jpeg'), contentType: 'image/jpeg' }];
    await t.services.conversations.acceptInbound(inbound(number, '', media));
    await t.services.conversations.registry.ask(number, () => null);
    await t.services.media.idle();
    await t.services.conversations.registry.ask(number, () => null);
    expect(await botKeys(t, conversation.id)).toEqual(['welcome', 'form_received_no_photo']);
    const hers = await t.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.sender, 'aspirant')));
    expect(hers).toHaveLength(2);
    // The replay of her conversation gives the same steps: the fact comes from the stored form event.
    const replay = await replayConversation(t.database.db, conversation.id, { scripts: createScriptCache(t.database.db), forms: botSettings(t.config) });
    expect(replay.differences).toBe(0);
    expect(replay.steps.find((step) => step.event === 'form.submitted')!.replayed).toHaveLength(1);
  });

  test('with the box, the photo request goes out as before and the thank-you page says so', async () => {
    const number = '+573001240002';
    const { conversation, thanks } = await filled(number, COMPLETE_FORM);
    expect(await botKeys(t, conversation.id)).toEqual(['welcome', 'photo_request']);
    expect(await statusOf(t, conversation.id)).toBe('pending_photo');
    expect(thanks).toContain(PHOTO_LINE);
    expect((await loadStates(t.database.db, [number]))[0]!.facts).toMatchObject({ photosAuthorised: true });
  });

  test('a minor without the box: her guardian authorises, a reloaded actor still asks for no photo', async () => {
    const number = '+573001240003';
    const { consentPhotos: _minorPhotos, ...minorWithoutPhotos } = MINOR_FORM;
    const { conversation, thanks } = await filled(number, minorWithoutPhotos);
    expect(await botKeys(t, conversation.id)).toEqual(['welcome', 'guardian_pending']);
    expect(thanks).not.toContain(PHOTO_LINE);
    await passivate(number);
    expect((await loadStates(t.database.db, [number]))[0]!.facts).toMatchObject({ minor: true, guardianAuthorised: false, photosAuthorised: false });
    const [guardian] = await t.database.db.select().from(guardians).where(eq(guardians.aspirantId, conversation.aspirantId));
    const yes = await postForm(t, guardianPath(t, guardian!.id, Date.now() + skew), { decision: 'authorised', documentNumber: GUARDIAN_DOCUMENT });
    expect(yes.status).toBe(200);
    await t.services.conversations.registry.ask(number, () => null);
    expect(await botKeys(t, conversation.id)).toEqual(['welcome', 'guardian_pending', 'guardian_authorised_no_photo']);
    expect(await statusOf(t, conversation.id)).toBe('needs_attention');
  });

  test('a form from before the photos box (no sensitiveConsents) counts as authorised, reloaded too', async () => {
    const number = '+573001240004';
    const aspirant = await aspirantWhoWrote(t, number, 'Vale');
    // PROFILE as an older submission stored it: the adult box, no birth date, no sensitiveConsents.
    const { sensitiveConsents: _none, birthDate: _birth, minor: _minor, ...profile } = PROFILE;
    await t.services.conversations.acceptForm(number, { aspirantId: aspirant.id, profile: { ...profile, isAdult: true }, source: 'hosted' });
    await t.services.conversations.registry.ask(number, () => null);
    const [conversation] = await t.database.db.select().from(conversations).where(eq(conversations.aspirantId, aspirant.id));
    expect(await botKeys(t, conversation!.id)).toEqual(['welcome', 'photo_request']);
    await passivate(number);
    const [state] = await loadStates(t.database.db, [number]);
    expect(state!.facts.photosAuthorised).toBe(true);
  });
});
