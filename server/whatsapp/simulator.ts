/** @module server/whatsapp/simulator — WhatsApp without Twilio: records sends, simulates delivery, plays the aspirant's phone. */
import { PhoneBubblePush } from '../../views/dev/phone';
import type { Hub } from '../realtime/hub';
import type { StatusUpdate } from '../conversations/system';
import type { OutboundMessage, SendResult, TwilioSender } from './twilio-sender';

export interface SimulatorOptions {
  hub: Hub;
  publicUrl: string;
  acceptStatus(update: StatusUpdate): Promise<unknown>;
  /** Keeps uploaded media in memory, newest last; older files are dropped past this many. */
  maxMedia?: number;
}

export const SIM_ACCOUNT_SID = `AC${'5'.repeat(32)}`;
export const SIM_NUMBER = '+15550001234';

function randomSid(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function phoneTopic(number: string): string {
  return `phone:${number}`;
}

export function createSimulator(options: SimulatorOptions) {
  const mediaById = new Map<string, { bytes: Uint8Array; contentType: string }>();
  const pending = new Set<Promise<void>>();
  const maxMedia = options.maxMedia ?? 200;
  const mediaPrefix = `${options.publicUrl}/dev/phone/media/`;

  /** Delivery is simulated as Twilio reports it: sent, then delivered, through the same status path as callbacks. */
  function simulateDelivery(to: string, sid: string): void {
    const run = (async () => {
      await options.acceptStatus({ messageSid: sid, to, status: 'sent' });
      await options.acceptStatus({ messageSid: sid, to, status: 'delivered' });
    })().finally(() => pending.delete(run));
    pending.add(run);
  }

  const sender: TwilioSender = {
    async send(message: OutboundMessage): Promise<SendResult> {
      const sid = randomSid('SM');
      const body = message.body ?? `[template ${message.contentSid ?? ''}]`;
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
    sender,
    addMedia,
    lookup,
    newMessageSid: () => randomSid('SM'),
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}

export type Simulator = ReturnType<typeof createSimulator>;
