/**
 * @module server/whatsapp/port — the one port every WhatsApp provider implements (Twilio, Meta's Cloud API, the
 * simulator): the provider-neutral shapes of what comes in (messages, statuses) and goes out (text, media,
 * templates), and the operations the rest of the server calls. Nothing outside `server/whatsapp/` knows which
 * provider is behind it: routes mount `webhooks`, the outbox calls `send`/`findSent`, the media queue calls
 * `fetchMedia`, the template sync calls `listTemplates`.
 *
 * Identity: since April 2026 Meta sends a business-scoped user id (BSUID, `CO.1502576394655843`) on every message
 * and status, and a user who adopts a username may hide her number, so a webhook may carry a BSUID and no phone
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/). An
 * aspirant is found by her BSUID where there is one, else by her phone; both are attributes that may be missing.
 */
import type { AnyElysia } from 'elysia';
import type { InboundParts } from '../../actors/conversation/message-kinds';
import type { DeliveryStatus } from '../../actors/vocabulary';
import type { SendError } from './send-errors';

export type ProviderName = 'twilio' | 'meta' | 'simulator';

/** How a reason written into a message names the provider (`Not sent: Meta could not take it…`). */
export const PROVIDER_LABELS: Readonly<Record<ProviderName, string>> = { twilio: 'Twilio', meta: 'Meta', simulator: 'the simulator' };

/**
 * Who a message is from or to. At least one of `phone` and `bsuid` is present (the parsers refuse an envelope
 * with neither). `username` is shown where there is no number; it can change at any time and never identifies.
 */
export interface WhatsAppIdentity {
  /** E.164, `+573001234567`. */
  phone?: string;
  /** Meta's business-scoped user id: ISO 3166 alpha-2, a dot, up to 128 alphanumerics (`CO.1502576394655843`). */
  bsuid?: string;
  /** Her WhatsApp username (`@valentina`), when she has one and the provider sends it. */
  username?: string;
}

/** A BSUID as Meta documents it; a parent BSUID has `ENT.` after the country (`US.ENT.1181…`). */
export const BSUID = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;

/** One inbound message: its envelope and the provider-neutral message model. */
export interface InboundMessage extends InboundParts {
  /** The provider's message id: Twilio's MessageSid (`SM…`), Meta's `wamid.…`. Unique per provider; deduplicates. */
  messageSid: string;
  from: WhatsAppIdentity;
  /** Her WhatsApp profile name, as she set it. */
  profileName?: string;
  /** Every field the provider sent, NULs removed, long values cut: the audit copy stored with the event. */
  raw: Record<string, unknown>;
}

/** What a status callback may report: every delivery status but `received` (inbound messages only). */
export type CallbackStatus = Exclude<DeliveryStatus, 'received'>;

/** One delivery status of a message we sent. */
export interface StatusUpdate {
  messageSid: string;
  /** The aspirant the message went to; at least one of phone and BSUID. */
  recipient: WhatsAppIdentity;
  status: CallbackStatus;
  errorCode?: number;
  errorMessage?: string;
  /** Meta's pricing category for the message (`service`, `utility`, `marketing`, `authentication`…), when sent. */
  pricingCategory?: string;
  /** What we attached to the send and the provider echoes (Meta's `biz_opaque_callback_data`): the outbox row's idempotency key. */
  callbackData?: string;
  raw?: Record<string, unknown>;
}

/** A template reference as the outbox stores it: Twilio's Content SID (`HX…`), or Meta's `name` + `language`. */
export interface TemplateSend {
  /** `HX…` for Twilio; `name:language` (e.g. `recordatorio:es_CO`) for Meta. */
  ref: string;
  /** Values for the template's numbered variables, `{"1": "Valentina"}`. */
  variables?: Record<string, string>;
}

export interface OutboundMessage {
  /** Her address: the conversation key (E.164, or a BSUID for one first seen without a number). */
  to: string;
  body?: string;
  template?: TemplateSend;
  /** Public URLs the provider fetches (our signed /media links). */
  mediaUrl?: string[];
  /** Same key on every retry of one outbox row (Twilio's idempotency header, Meta's biz_opaque_callback_data). */
  idempotencyKey: string;
}

export interface SendResult {
  /** The provider's message id. */
  sid: string;
  status: string;
}

/** What the outbox knows about a send that may or may not have reached the provider. */
export interface SentQuery {
  to: string;
  body?: string;
  templateRef?: string;
  /** The outbox row's key, as sent (Meta matches it against the biz_opaque_callback_data its statuses echo). */
  idempotencyKey?: string;
  /** When the outbox row was created: no message sent before it (less clock skew) can be this one. */
  since: Date;
  /**
   * When the attempt in doubt started (the claim that marked the row `sending`); `since` when unknown. A provider that
   * waits for a receipt (Meta's status webhook) measures its wait from here, never from an earlier time.
   */
  attemptedAt?: Date;
}

/** An approved (or pending, rejected…) message template as the provider lists it. */
export interface ProviderTemplate {
  /** What a send names: `HX…` (Twilio) or `name:language` (Meta). */
  ref: string;
  name: string;
  /** BCP 47-ish as the provider writes it: `es`, `es_CO`, `en_US`. */
  language: string;
  /** `utility`, `marketing`, `authentication` (lower case), or null when the provider does not say. */
  category: string | null;
  /** `approved`, `pending`, `rejected`, `paused`, `disabled` (lower case). */
  status: string;
  /** The body text with its `{{1}}` placeholders, for the composer's preview. */
  body: string;
  /** The placeholders' names in order: `['1', '2']`. */
  variables: string[];
}

/** The media bytes a provider holds for an inbound message. */
export interface FetchedMedia {
  bytes: Uint8Array;
  contentType: string;
}

/** Where a provider's webhook routes hand what they verified and parsed: the durable intake (written before 200). */
export interface WebhookSink {
  acceptInbound(message: InboundMessage): Promise<unknown>;
  acceptStatus(update: StatusUpdate): Promise<unknown>;
}

/**
 * One WhatsApp provider. Every method's failure to send is a SendError (classified: permanent, retryable,
 * ambiguous, window closed, rate-limited) with a plain reason; `fetchMedia` throws MediaDownloadError.
 */
export interface WhatsAppProvider {
  readonly name: ProviderName;
  /** Messages per second at most for our number (Twilio: TWILIO_MAX_MPS; Meta: META_MAX_MPS, 80 by default). */
  readonly maxMps: number;
  /** Our own number, E.164, for the form's "back to WhatsApp" link; undefined when unknown (Messaging Service). */
  readonly number?: string;
  /** Elysia routes that verify, parse and hand webhooks to `sink`; answer only once the sink has stored them. */
  webhooks(sink: WebhookSink): AnyElysia;
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * After an ambiguous send: the message if the provider has it, null when it surely does not, or throws a SendError
   * when it cannot tell yet (ambiguous). Never sends.
   */
  findSent?(query: SentQuery): Promise<SendResult | null>;
  /** `ref` is what the parser stored as the media item's url (an https URL for Twilio, `meta-media:<id>` for Meta). */
  fetchMedia(ref: string): Promise<FetchedMedia>;
  /** Approved templates and their states; absent when the provider has none (the simulator). */
  listTemplates?(): Promise<ProviderTemplate[]>;
  /** Turns anything a send threw into a SendError (default server/whatsapp/send-errors classifySendError). */
  classify?(error: unknown): SendError;
}

/**
 * A template reference as a form may post it: Twilio's Content SID (`HX` + 32 hex), or Meta's `name:language` (a
 * template name is lower-case letters, digits and underscores, at most 512 characters; the language a code such as
 * `es`, `es_CO`, `en_US` — Meta's message-templates reference). The empty string stands for none.
 */
export const TEMPLATE_REF_PATTERN = '^(HX[0-9a-fA-F]{32}|[a-z0-9_]{1,512}:[a-z]{2,3}(_[A-Za-z]{2,4})?)?$';
export const TEMPLATE_REF_MAX = 540;

/** What the outbox needs of a provider: sending, reconciling an ambiguous send, and classifying failures. */
export type OutboxSender = Pick<WhatsAppProvider, 'send' | 'findSent' | 'classify'>;
