/** @module server/whatsapp/twilio-sender — sends WhatsApp messages through Twilio's Messages API with the twilio client. */
import twilio from 'twilio';
import { isE164, toWhatsAppAddress } from './phone';
import { SendError, classifySendError } from './send-errors';
import { FetchRequestClient, perCallHeaders } from './twilio-http';
import type { OutboundMessage, SendResult, SentQuery } from './port';

export { rebaseUri } from './twilio-http';

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  /** `whatsapp:+E164` sender; or use a Messaging Service. */
  from?: string;
  messagingServiceSid?: string;
  /** Replaces https://api.twilio.com (tests, the fake Twilio, an egress gateway), e.g. http://127.0.0.1:4010. */
  apiUrl?: string;
  statusCallbackUrl?: string;
  /** Per-request timeout; the twilio client's default is 30 s. */
  timeoutMs?: number;
}

export type { OutboundMessage, SendResult, SentQuery } from './port';

export interface TwilioSender {
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * Twilio does not deduplicate by idempotency header, so a row left 'sending' by a crash must be
   * reconciled before it is re-sent: the sid of that message if Twilio already has it, else null.
   */
  findSent?(query: SentQuery): Promise<SendResult | null>;
}

/** Twilio's clock and ours may disagree: a message dated a little before `since` may still be ours. */
export const FIND_SENT_CLOCK_SKEW_MS = 60_000;
/** One page of the most recent messages to the recipient; a crashed send is among the newest. */
export const FIND_SENT_LIMIT = 50;

/** The fields of a listed Twilio message that reconciliation looks at. */
export interface ListedMessage {
  sid: string;
  status: string;
  body: string | null;
  direction: string;
  /** The twilio client gives a Date, or the raw string when it cannot parse it. */
  dateCreated: Date | string | null;
}

export const IDEMPOTENCY_HEADER = 'I-Twilio-Idempotency-Token';

function checkMessage(message: OutboundMessage): void {
  if (!isE164(message.to)) {
    // A BSUID-only aspirant (no number): Twilio's WhatsApp API addresses people by number only.
    throw new SendError({ permanent: true, reason: "Invalid 'To' number: it must look like +573001234567 (Twilio cannot send to a WhatsApp username without a number)" });
  }
  if (!message.body && !message.template && !message.mediaUrl?.length) {
    throw new SendError({ permanent: true, reason: 'Nothing to send: the message has no text, template or media' });
  }
}

function createdAt(message: ListedMessage): number {
  return message.dateCreated === null ? Number.NaN : new Date(message.dateCreated).getTime();
}

/**
 * The newest listed message that can be the one `query` describes: sent through the API, created no
 * earlier than `since` minus the clock skew, and with the same body — any body for a template, whose
 * rendered text we do not know. A media-only message has the empty body.
 */
export function pickSent(messages: readonly ListedMessage[], query: SentQuery): SendResult | null {
  const earliest = query.since.getTime() - FIND_SENT_CLOCK_SKEW_MS;
  let best: ListedMessage | undefined;
  for (const message of messages) {
    if (message.direction !== 'outbound-api' || !(createdAt(message) >= earliest)) continue;
    if (!query.templateRef && (message.body ?? '') !== (query.body ?? '')) continue;
    if (!best || createdAt(message) > createdAt(best)) best = message;
  }
  return best ? { sid: best.sid, status: best.status } : null;
}

/** Builds a sender bound to one Twilio account and sender identity. */
export function createTwilioSender(opts: TwilioSenderOptions): TwilioSender {
  if (!opts.from && !opts.messagingServiceSid) throw new Error('createTwilioSender needs `from` or `messagingServiceSid`.');
  const client = twilio(opts.accountSid, opts.authToken, {
    accountSid: opts.accountSid,
    httpClient: new FetchRequestClient(opts.apiUrl, opts.timeoutMs),
  });

  function createParams(message: OutboundMessage) {
    return {
      to: toWhatsAppAddress(message.to),
      ...(opts.from ? { from: opts.from } : {}),
      ...(opts.messagingServiceSid ? { messagingServiceSid: opts.messagingServiceSid } : {}),
      ...(opts.statusCallbackUrl ? { statusCallback: opts.statusCallbackUrl } : {}),
      ...(message.body ? { body: message.body } : {}),
      ...(message.template ? { contentSid: message.template.ref } : {}),
      ...(message.template?.variables ? { contentVariables: JSON.stringify(message.template.variables) } : {}),
      ...(message.mediaUrl?.length ? { mediaUrl: message.mediaUrl } : {}),
    };
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    checkMessage(message);
    try {
      const created = await perCallHeaders.run({ [IDEMPOTENCY_HEADER]: message.idempotencyKey }, () => client.messages.create(createParams(message)));
      return { sid: created.sid, status: created.status };
    } catch (error) {
      throw classifySendError(error);
    }
  }

  async function findSent(query: SentQuery): Promise<SendResult | null> {
    if (!isE164(query.to)) throw new SendError({ permanent: true, reason: "Invalid 'To' number: it must look like +573001234567" });
    try {
      // No DateSent filter: a message still queued has no date_sent and would be missed.
      const listed = await client.messages.list({
        to: toWhatsAppAddress(query.to),
        ...(opts.from ? { from: opts.from } : {}),
        limit: FIND_SENT_LIMIT,
      });
      return pickSent(listed, query);
    } catch (error) {
      throw classifySendError(error);
    }
  }

  return { send, findSent };
}
