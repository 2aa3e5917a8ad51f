/**
 * @module server/whatsapp/simulator — WhatsApp without a provider account, as a WhatsAppProvider: records sends,
 * simulates delivery through the same status path as a provider's callbacks, and plays the aspirant's phone
 * (/dev/phone) — by number, or by username as a user who hides her number (her BSUID `simulatedBsuid`). It has no
 * webhooks: the phone page hands its messages to the intake directly.
 */
import { Elysia } from 'elysia';
import { PhoneBubblePush } from '../../views/dev/phone';
import type { Hub } from '../realtime/hub';
import type { OutboundMessage, SendResult, StatusUpdate, WhatsAppProvider } from './port';
import { MediaDownloadError } from './media-download';

export interface SimulatorOptions {
  hub: Hub;
  publicUrl: string;
  acceptStatus(update: StatusUpdate): Promise<unknown>;
  /** Keeps uploaded media in memory, newest last; older files are dropped past this many. */
  maxMedia?: number;
}

export const SIM_ACCOUNT_SID = `AC${'5'.repeat(32)}`;
export const SIM_NUMBER = '+15550001234';
/** The simulator's pace: as a new Twilio sender's default. */
export const SIM_MAX_MPS = 10;

function randomSid(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The simulated phone's topic for an address (a number, E.164, or a BSUID): what is sent to it is pushed there. */
export function phoneTopic(address: string): string {
  return `phone:${address}`;
}

/**
 * A simulated WhatsApp user's business-scoped user id, stable for her username (case aside): `CO.` and 16 digits
 * of its SHA-256, in Meta's BSUID shape (server/whatsapp/port `BSUID`). Lets the simulator play a user who hides
 * her number behind a username, and the same user later writing with her number too.
 */
export function simulatedBsuid(username: string): string {
  const digest = new Bun.CryptoHasher('sha256').update(`wasap-simulator:${username.toLowerCase()}`).digest('hex');
  return `CO.${(BigInt(`0x${digest.slice(0, 16)}`) % 10n ** 16n).toString().padStart(16, '0')}`;
}

export function createSimulator(options: SimulatorOptions) {
  const mediaById = new Map<string, { bytes: Uint8Array; contentType: string }>();
  const pending = new Set<Promise<void>>();
  const maxMedia = options.maxMedia ?? 200;
  const mediaPrefix = `${options.publicUrl}/dev/phone/media/`;

  /** Delivery is simulated as Twilio reports it: sent, then delivered, through the same status path as callbacks. */
  function simulateDelivery(to: string, sid: string): void {
    const recipient = to.startsWith('+') ? { phone: to } : { bsuid: to };
    const run = (async () => {
      await options.acceptStatus({ messageSid: sid, recipient, status: 'sent' });
      await options.acceptStatus({ messageSid: sid, recipient, status: 'delivered' });
    })().finally(() => pending.delete(run));
    pending.add(run);
  }

  const provider: WhatsAppProvider = {
    name: 'simulator',
    maxMps: SIM_MAX_MPS,
    number: SIM_NUMBER,
    webhooks: () => new Elysia({ name: 'simulator-webhooks' }),
    async fetchMedia(url) {
      const found = lookup(url);
      if (!found) throw new MediaDownloadError('MEDIA_DOWNLOAD_FAILED', 'The simulator no longer holds this file (it keeps the newest files in memory only)');
      return found;
    },
    async send(message: OutboundMessage): Promise<SendResult> {
      const sid = randomSid('SM');
      const body = message.body ?? `[template ${message.template?.ref ?? ''}]`;
      const html = await PhoneBubblePush({ message: { id: sid, mine: false, body, at: new Date() } });
      options.hub.publish(phoneTopic(message.to), html);
      simulateDelivery(message.to, sid);
      return { sid, status: 'queued' };
    },
  };

  function addMedia(bytes: Uint8Array, contentType: string): string {
    const id = crypto.randomUUID();
    mediaById.set(id, { bytes, contentType });
    if (mediaById.size > maxMedia) mediaById.delete(mediaById.keys().next().value as string);
    return mediaPrefix + id;
  }

  /** The simulator's media URLs are served from memory; anything else is not ours. */
  function lookup(url: string): { bytes: Uint8Array; contentType: string } | undefined {
    return url.startsWith(mediaPrefix) ? mediaById.get(url.slice(mediaPrefix.length)) : undefined;
  }

  return {
    provider,
    addMedia,
    lookup,
    newMessageSid: () => randomSid('SM'),
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}

export type Simulator = ReturnType<typeof createSimulator>;
