/**
 * @module test/support/kind-media — every kind of message posted as Twilio posts it (test/support/twilio-kinds), and
 * stored files put in place of what the media worker would download: a real WAV voice note, a contact card, a CV.
 */
import { eq } from 'drizzle-orm';
import { media, messages } from '../../server/db/schema';
import type { TestApp } from './app';
import type { FakeTwilio } from './fake-twilio';
import { inboundParams, signedPost } from './twilio-env';
import { KIND_FIXTURES, QUOTED_SID, type KindFixture, type KindName } from './twilio-kinds';

/** A real WAV file: `seconds` of a 440 Hz tone, 8 kHz mono 16-bit PCM (Chromium plays it). */
export function wav(seconds = 0.5, rate = 8000): Uint8Array<ArrayBuffer> {
  const samples = Math.round(seconds * rate);
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const text = (at: number, word: string) => [...word].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) view.setInt16(44 + i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), true);
  return bytes;
}

export const VCARD = 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Gómez;Ana;;;\r\nFN:Ana Gómez\r\nitem1.TEL;waid=573001112233:+57 300 1112233\r\nEND:VCARD\r\n';

/**
 * Posts "Hola" as the message the replies, buttons and reaction refer to (QUOTED_SID), then every kind, each with
 * `mediaUrl` for its files; resolves once all are committed. The message sids by fixture name.
 */
export async function postEveryKind(t: TestApp, fake: FakeTwilio, phone: string, mediaUrl: string): Promise<Record<KindName, string>> {
  const post = async (params: Record<string, string>) => {
    const response = await signedPost(t, '/webhooks/twilio', params, fake.authToken);
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  };
  await post({ ...inboundParams(fake, phone, 'Hola'), MessageSid: QUOTED_SID, SmsMessageSid: QUOTED_SID });
  const sids = {} as Record<KindName, string>;
  for (const [name, fixture] of Object.entries(KIND_FIXTURES) as [KindName, KindFixture][]) {
    const params = inboundParams(fake, phone, '', fixture.fields(mediaUrl));
    await post(params);
    sids[name] = params.MessageSid!;
  }
  await t.services.conversations.registry.ask(phone, () => null);
  return sids;
}

/** The message's (first) file stored with these bytes, as the media worker stores a download; its media id. */
export async function storeFile(t: TestApp, messageSid: string, bytes: Uint8Array, contentType: string): Promise<number> {
  const { db } = t.database;
  const [row] = await db.select({ id: media.id }).from(media).innerJoin(messages, eq(messages.id, media.messageId)).where(eq(messages.providerSid, messageSid));
  if (!row) throw new Error(`message ${messageSid} has no file`);
  const blob = await t.services.blobs.put(`media/test/${row.id}`, bytes, contentType);
  await db.update(media).set({ state: 'stored', blobKey: blob.key, size: blob.size, checksum: blob.checksum, contentType, error: null }).where(eq(media.id, row.id));
  return row.id;
}
