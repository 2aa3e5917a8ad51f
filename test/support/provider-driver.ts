/**
 * @module test/support/provider-driver — one way for a test to play "WhatsApp" whichever provider the server speaks
 * through, so scenario tests run the same steps against Twilio and Meta's Cloud API with only the fake changed.
 * A driver (`twilioDriver`, `metaDriver`) starts its provider's fake on port 0 (test/support/fake-twilio,
 * test/support/fake-graph) and gives: the `env` that points a testApp at it; `inbound` — a signed webhook of her
 * message (Twilio: a form signed with X-Twilio-Signature; Meta: JSON signed with X-Hub-Signature-256), a photo
 * registered with the fake first so the server fetches it through the provider; `status` — a signed status callback
 * of a message we sent; `sent` — what the fake accepted, in one provider-neutral shape; `failNext` — the provider's
 * own refusal of a free-form message outside the 24-hour window (Twilio 63016, Meta 131047).
 */
import { metaChange, metaMediaMessage, metaStatus, metaTextMessage, metaWebhook, type MetaInbound } from '../../server/whatsapp/meta/fixtures';
import { signMetaBody } from '../../server/whatsapp/meta/signature';
import { placeholdersOf } from '../../actors/conversation/template-text';
import type { TestApp } from './app';
import { startFakeGraph, type FakeGraph } from './fake-graph';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio';
import { textContent } from './fake-twilio-content';
import { inboundParams, signedPost, statusParams, twilioEnv } from './twilio-env';

export type ProviderKind = 'twilio' | 'meta';
export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface InboundInput {
  /** Her number, E.164 (`+573001234567`); for Meta also a BSUID alone (`CO.1502576394655843`, no number shown). */
  from: string;
  /** Her text; the caption when she sends a photo. */
  body?: string;
  /** The bytes of a file she sends (registered with the fake, fetched by the server through the provider). */
  photo?: Uint8Array;
  /** What the file is sent as (default `image`) and its type (default `image/jpeg`). */
  kind?: MediaKind;
  contentType?: string;
  /** The provider's message id; the same id twice is one message delivered twice. Default: a new one. */
  id?: string;
  profileName?: string;
}

/** A webhook posted: the provider's message id it carried, and the server's answer. */
export interface PostedWebhook {
  id: string;
  response: Response;
}

/** One message the provider accepted from us, whichever provider: what she would receive. */
export interface SentMessage {
  /** The provider's message id (Twilio `SM…`, Meta `wamid.…`): what a status callback names. */
  id: string;
  /** Her number, E.164. */
  to: string;
  body?: string;
  /** Twilio's Content SID, or Meta's `name:language`, with the numbered variables' values. */
  template?: { ref: string; variables: Record<string, string> };
  /** The first media link sent, if any. */
  mediaUrl?: string;
}

/** A provider's failure to play on a send or status. `window_closed`: the 24-hour customer-service window has closed. */
export type ProviderFailure = 'window_closed';

/**
 * How each provider words a free-form message outside the window: Twilio's error 63016
 * (https://www.twilio.com/docs/api/errors/63016) and Meta's 131047 "Re-engagement message" (Cloud API error codes).
 */
const WINDOW_CLOSED = {
  twilio: { code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.' },
  meta: { code: 131047, title: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
} as const;

export interface ProviderFake extends AsyncDisposable {
  readonly name: ProviderKind;
  /** Environment for testApp: PUBLIC_URL, WHATSAPP_PROVIDER and the provider's settings, pointed at the fake. */
  readonly env: Record<string, string>;
  /**
   * Registers an approved template with the fake (Twilio's Content API, Meta's WABA message_templates), for the
   * server's template sync to list; returns the reference a send names: Twilio's Content SID (`HX` + 32 hex), Meta's
   * `name:language`. `body` holds `{{1}}`-style placeholders.
   */
  addTemplate(template: { name: string; language: string; body: string }): string;
  /** The code this provider gives a free-form send outside the window (Twilio 63016, Meta 131047). */
  readonly windowClosedCode: number;
  inbound(t: TestApp, input: InboundInput): Promise<PostedWebhook>;
  /**
   * Posts a signed status callback for the message `providerSid` we sent to `to` (E.164, or a BSUID for Meta); with `failure`, the
   * provider's error for it rides along (Twilio's ErrorCode/ErrorMessage, Meta's `errors[]`), as on a `failed` status.
   */
  status(t: TestApp, providerSid: string, to: string, status: string, failure?: ProviderFailure): Promise<Response>;
  sent(): SentMessage[];
  /**
   * Where the provider sends to the aspirant who writes as `her` (her number, or her BSUID): Twilio by number; Meta
   * by her BSUID whenever she has one (every webhook of this driver carries one), never by a number that can change hands.
   */
  addressOf(her: string): string;
  /** Resolves once the fake has accepted at least `n` messages (all of them, in order). */
  waitForSent(n: number): Promise<SentMessage[]>;
  /** The next `n` sends fail as the provider fails them for `failure`. */
  failNext(failure: ProviderFailure, n?: number): void;
  stop(): Promise<void>;
}

export interface ProviderDriver {
  readonly name: ProviderKind;
  /** Starts the provider's fake on 127.0.0.1, port 0; stop it (or `await using`) when done. */
  start(): ProviderFake;
}

export const PUBLIC_URL = 'https://wasap.test';

/** A 1×1 PNG: a real image the media worker sniffs as one. */
export const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));

function parseVariables(json: string | undefined): Record<string, string> {
  return json ? (JSON.parse(json) as Record<string, string>) : {};
}

/** Twilio: form webhooks signed with the auth token, messages recorded by the fake Messages API. */
export const twilioDriver: ProviderDriver = {
  name: 'twilio',
  start(): ProviderFake {
    const fake: FakeTwilio = startFakeTwilio();
    const toSent = (m: FakeTwilio['messages'][number]): SentMessage => ({
      id: m.sid,
      to: m.to.replace(/^whatsapp:/, ''),
      ...(m.body ? { body: m.body } : {}),
      ...(m.contentSid ? { template: { ref: m.contentSid, variables: parseVariables(m.contentVariables) } } : {}),
      ...(m.mediaUrl[0] ? { mediaUrl: m.mediaUrl[0] } : {}),
    });
    const failures: ProviderFailure[] = [];
    fake.respondWith(function playFailure() {
      return failures.shift() === 'window_closed' ? { status: 400, ...WINDOW_CLOSED.twilio } : undefined;
    });
    return {
      name: 'twilio',
      env: { ...twilioEnv(fake), PUBLIC_URL, WHATSAPP_PROVIDER: 'twilio' },
      addressOf: (her) => her,
      addTemplate({ name, language, body }) {
        const content = textContent({ name, language, body, variables: Object.fromEntries(placeholdersOf(body).map((v) => [v, 'Valentina'])) });
        fake.contents.push(content);
        return content.sid;
      },
      windowClosedCode: WINDOW_CLOSED.twilio.code,
      async inbound(t, input) {
        const media: Record<string, string> = {};
        if (input.photo) {
          const type = input.contentType ?? 'image/jpeg';
          Object.assign(media, { NumMedia: '1', MediaUrl0: fake.addMedia(input.photo, type), MediaContentType0: type, MessageType: input.kind ?? 'image' });
        }
        const params = inboundParams(fake, input.from, input.body ?? '', { ...media, ...(input.profileName ? { ProfileName: input.profileName } : {}) });
        if (input.id) Object.assign(params, { MessageSid: input.id, SmsMessageSid: input.id });
        return { id: params.MessageSid!, response: await signedPost(t, '/webhooks/twilio', params, fake.authToken) };
      },
      status(t, sid, to, status, failure) {
        const error: Record<string, string> = failure === 'window_closed' ? { ErrorCode: String(WINDOW_CLOSED.twilio.code), ErrorMessage: WINDOW_CLOSED.twilio.message } : {};
        return signedPost(t, '/webhooks/twilio/status', statusParams(fake, sid, to, status, error), fake.authToken);
      },
      sent: () => fake.messages.map(toSent),
      waitForSent: async (n) => (await fake.waitForMessages(n)).map(toSent),
      failNext(failure, n = 1) {
        for (let i = 0; i < n; i++) failures.push(failure);
      },
      stop: () => fake.stop(),
      [Symbol.asyncDispose]: () => fake.stop(),
    };
  },
};

const APP_SECRET = 'meta-app-secret-'.repeat(2);
const VERIFY_TOKEN = 'meta-verify-token-'.repeat(2);

/** A new message id shaped like Meta's (`wamid.` and base64). */
export function freshWamid(): string {
  return `wamid.${Buffer.from(crypto.getRandomValues(new Uint8Array(30))).toString('base64')}`;
}

/** A BSUID of her own per number (Meta gives every user one), `CO.` and her number's digits. */
export function bsuidOf(phone: string): string {
  return `CO.${phone.replace(/\D/g, '')}`;
}

/** Template body parameters back to the numbered (or named) variables they were built from. */
function metaVariables(template: Record<string, unknown>): Record<string, string> {
  const components = (template.components as { type: string; parameters?: { text: string; parameter_name?: string }[] }[] | undefined) ?? [];
  const parameters = components.find((c) => c.type === 'body')?.parameters ?? [];
  return Object.fromEntries(parameters.map((p, i) => [p.parameter_name ?? String(i + 1), p.text]));
}

function metaSent(m: FakeGraph['messages'][number]): SentMessage {
  const body = m.body ?? {};
  const type = String(body.type);
  const part = (body[type] ?? {}) as Record<string, unknown>;
  const to = typeof body.to === 'string' ? `+${body.to}` : String(body.recipient);
  const language = (part.language as { code?: string } | undefined)?.code;
  return {
    id: m.wamid!,
    to,
    ...(type === 'text' ? { body: String(part.body) } : typeof part.caption === 'string' ? { body: part.caption } : {}),
    ...(type === 'template' ? { template: { ref: `${String(part.name)}:${language}`, variables: metaVariables(part) } } : {}),
    ...(typeof part.link === 'string' ? { mediaUrl: part.link } : {}),
  };
}

/** The POST Meta would send for `messages` of our number, signed with the app secret, through app.handle. */
export function postMetaBody(t: TestApp, raw: string, appSecret = APP_SECRET): Promise<Response> {
  return t.request('/webhooks/meta', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(appSecret, raw) }, body: raw });
}

/** Meta's Cloud API: JSON webhooks signed with the app secret, messages recorded by the fake Graph API. */
export const metaDriver: ProviderDriver & { appSecret: string; verifyToken: string } = {
  name: 'meta',
  appSecret: APP_SECRET,
  verifyToken: VERIFY_TOKEN,
  start(): ProviderFake {
    const fake: FakeGraph = startFakeGraph();
    const env = {
      PUBLIC_URL,
      WHATSAPP_PROVIDER: 'meta',
      META_ACCESS_TOKEN: fake.accessToken,
      META_PHONE_NUMBER_ID: fake.phoneNumberId,
      META_APP_SECRET: APP_SECRET,
      META_VERIFY_TOKEN: VERIFY_TOKEN,
      META_GRAPH_URL: fake.url,
      META_API_VERSION: fake.apiVersion,
      META_WABA_ID: fake.wabaId,
    };
    const post = (t: TestApp, body: unknown) => postMetaBody(t, JSON.stringify(body));
    const templates: Record<string, unknown>[] = [];
    return {
      name: 'meta',
      env,
      addressOf: (her) => (her.startsWith('+') ? bsuidOf(her) : her),
      addTemplate({ name, language, body }) {
        templates.push({ id: String(templates.length + 1), name, language, category: 'UTILITY', status: 'APPROVED', components: [{ type: 'BODY', text: body }] });
        fake.setTemplates(templates);
        return `${name}:${language}`;
      },
      windowClosedCode: WINDOW_CLOSED.meta.code,
      async inbound(t, input) {
        // A fresh id unless one is given: the builders' default is the same for the same content.
        // `from` a BSUID: a user who hides her number behind a username, known by her BSUID alone.
        const who = input.from.startsWith('+') ? { from: input.from, bsuid: bsuidOf(input.from) } : { from: null, bsuid: input.from, username: '@valentina' };
        const sender = { ...who, name: input.profileName ?? 'Valentina', id: input.id ?? freshWamid() };
        let message: MetaInbound;
        if (input.photo) {
          const type = input.contentType ?? 'image/jpeg';
          const media = { id: fake.addMedia(input.photo, type), sha256: new Bun.CryptoHasher('sha256').update(input.photo).digest('hex') };
          message = metaMediaMessage(input.kind ?? 'image', type, { ...media, ...(input.body ? { caption: input.body } : {}) }, sender);
        } else {
          message = metaTextMessage({ ...sender, body: input.body ?? '' });
        }
        return { id: sender.id, response: await post(t, metaWebhook(metaChange({ messages: [message], phoneNumberId: fake.phoneNumberId }))) };
      },
      status(t, wamid, to, status, failure) {
        const sent = fake.messages.find((m) => m.wamid === wamid)?.body;
        const callbackData = typeof sent?.biz_opaque_callback_data === 'string' ? { callbackData: sent.biz_opaque_callback_data } : {};
        const { code, title, details } = WINDOW_CLOSED.meta;
        const errors = failure === 'window_closed' ? { errors: [{ code, title, message: title, error_data: { details } }] } : {};
        // A message sent to her BSUID comes back with it as `recipient_user_id` and no number.
        const recipient = to.startsWith('+') ? { to } : { to: null, bsuid: to };
        const built = metaStatus({ id: wamid, status, ...recipient, timestamp: String(Math.floor(Date.now() / 1000)), ...callbackData, ...errors });
        return post(t, metaWebhook(metaChange({ statuses: [built], phoneNumberId: fake.phoneNumberId })));
      },
      sent: () => fake.messages.map(metaSent),
      waitForSent: async (n) => (await fake.waitForMessages(n)).map(metaSent),
      failNext(failure, n = 1) {
        if (failure === 'window_closed') fake.failNext(n, { status: 400, code: WINDOW_CLOSED.meta.code, details: WINDOW_CLOSED.meta.details });
      },
      stop: () => fake.stop(),
      [Symbol.asyncDispose]: () => fake.stop(),
    };
  },
};

export const DRIVERS: ProviderDriver[] = [twilioDriver, metaDriver];
