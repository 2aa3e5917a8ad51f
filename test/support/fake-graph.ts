/**
 * @module test/support/fake-graph — a local stand-in for Meta's Graph API (WhatsApp Cloud API) for the Meta client,
 * outbox and media tests: `POST /{version}/{phone-number-id}/messages` (recorded, answered with a wamid, or failed on
 * demand: a Graph error, a hang, a dropped connection), media in Meta's two steps (`GET /{version}/{media-id}` → a
 * download URL back on this server, which wants the bearer token too), and `GET /{version}/{waba-id}/message_templates`
 * with cursor paging. Every route checks the bearer token and answers Meta's 401 (code 190) to a wrong one.
 * Also: `postMetaWebhook` and `sendStatus`, signed as Meta signs webhooks (server/whatsapp/meta/signature's
 * signMetaBody), the status built with the inbound side's fixtures (server/whatsapp/meta/fixtures) so both halves agree.
 */
import { metaChange, metaStatus } from '../../server/whatsapp/meta/fixtures';
import { DEFAULT_API_VERSION } from '../../server/whatsapp/meta/graph';
import type { JsonObject } from '../../server/whatsapp/meta/json-fields';
import { signMetaBody } from '../../server/whatsapp/meta/signature';
import { BSUID } from '../../server/whatsapp/port';

export interface FakeGraphOptions {
  accessToken?: string;
  phoneNumberId?: string;
  wabaId?: string;
  apiVersion?: string;
}

/** One POST to the messages endpoint, whatever the answer was. */
export interface RecordedSend {
  phoneNumberId: string;
  /** The request's JSON (null when it was not JSON). */
  body: Record<string, unknown> | null;
  authorized: boolean;
  /** Set when the fake created the message. */
  wamid?: string;
}

/** A Graph error to answer with; `accepted: true` creates the message first (Meta has it, the client thinks not). */
export interface FakeGraphError {
  status: number;
  code?: number;
  message?: string;
  subcode?: number;
  details?: string;
  accepted?: boolean;
}

/** A status (2xx = behave like Meta), a Graph error, no answer at all, or a connection closed without an answer. */
export type FakeGraphReply = number | FakeGraphError | { hang: true; accepted: boolean } | { drop: true; accepted: boolean };
export type SendResponder = (send: RecordedSend) => FakeGraphReply | undefined | Promise<FakeGraphReply | undefined>;

/** One request on the media routes: step 1 (`info`, on the Graph API) or 2 (`download`). */
export interface MediaRequest {
  step: 'info' | 'download';
  id: string;
  authorization: string | null;
}
/** A status to answer a media request with instead of the media (e.g. 500, 429, 404); undefined = serve it. */
export type MediaResponder = (request: MediaRequest) => number | undefined;

export interface AddMediaOptions {
  /** What step 1 says the sha256 is (default: the bytes' own, hex). */
  sha256?: string;
  /** What step 1 says the size is (default: the real size). */
  fileSize?: number;
  /** Origin the download URL points at (default: this fake). Another origin must serve it itself. */
  downloadOrigin?: string;
  /** The download answers 302 to this URL instead of the bytes. */
  redirectTo?: string;
}

export interface FakeGraph extends AsyncDisposable {
  url: string;
  accessToken: string;
  phoneNumberId: string;
  wabaId: string;
  apiVersion: string;
  /** Every POST to the messages endpoint. */
  requests: RecordedSend[];
  /** The messages the fake created (answered with a wamid, or accepted before failing). */
  messages: RecordedSend[];
  mediaRequests: MediaRequest[];
  /** Query strings of every template listing request. */
  templateRequests: URLSearchParams[];
  respondWith(fn: SendResponder | null): void;
  /** The next `n` sends get `reply`; then the fake behaves like Meta again. */
  failNext(n: number, reply: FakeGraphReply): void;
  respondToMediaWith(fn: MediaResponder | null): void;
  waitForMessages(n: number): Promise<RecordedSend[]>;
  /** Registers media bytes; returns the media id an inbound webhook would carry. */
  addMedia(bytes: Uint8Array | string, mimeType: string, opts?: AddMediaOptions): string;
  /** The WABA's templates (Graph's `data[]` entries), served `pageSize` at a time; `nextOrigin` rewrites `paging.next`. */
  setTemplates(templates: Record<string, unknown>[], opts?: { pageSize?: number; nextOrigin?: string }): void;
  /** Posts a signed status webhook for a created message, carrying its biz_opaque_callback_data, as Meta would. */
  sendStatus(webhookUrl: string, appSecret: string, wamid: string, status: string, extra?: Record<string, unknown>): Promise<Response>;
  stop(): Promise<void>;
}

const TITLES: Record<number, string> = {
  100: 'Invalid parameter',
  190: 'Invalid OAuth access token - Cannot parse access token',
  131000: 'Something went wrong',
  131026: 'Message Undeliverable',
  131047: 'Re-engagement message',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  130429: 'Rate limit hit',
  132001: 'Template name does not exist in the translation',
};

/** Graph's error body, as Meta writes it: the code also in the message's `(#code)` title. */
export function graphError(
  status: number,
  code = status >= 500 ? 131000 : status === 429 ? 130429 : status === 401 ? 190 : 100,
  message?: string,
  extra: { subcode?: number; details?: string } = {},
): Response {
  const title = message ?? TITLES[code] ?? `HTTP ${status}`;
  const error: Record<string, unknown> = { message: `(#${code}) ${title}`, type: 'OAuthException', code, fbtrace_id: `A${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}` };
  if (extra.subcode !== undefined) error.error_subcode = extra.subcode;
  if (extra.details !== undefined) error.error_data = { messaging_product: 'whatsapp', details: extra.details };
  return Response.json({ error }, { status });
}

/** POSTs `body` (JSON, or a raw string kept byte for byte) to `url`, signed with `appSecret` as Meta signs webhooks. */
export function postMetaWebhook(url: string, appSecret: string, body: unknown): Promise<Response> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(url, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(appSecret, raw) } });
}

/** Answers in order, then behaves like Meta. */
export function inSequence(...replies: FakeGraphReply[]): SendResponder {
  const queue = [...replies];
  return function nextReply() {
    return queue.shift();
  };
}

const NEVER = new Promise<never>(() => {});
const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/** A body Meta's messages endpoint would refuse with code 100, or undefined when it would take it. */
function invalidSend(body: Record<string, unknown> | null): string | undefined {
  if (!body || body.messaging_product !== 'whatsapp') return 'messaging_product must be whatsapp';
  const to = body.to;
  const recipient = body.recipient;
  if (to === undefined && recipient === undefined) return 'to or recipient is required';
  if (to !== undefined && !(typeof to === 'string' && /^\d{8,15}$/.test(to))) return 'to must be a phone number without +';
  if (recipient !== undefined && !(typeof recipient === 'string' && BSUID.test(recipient))) return 'recipient must be a business-scoped user id';
  const type = String(body.type);
  const part = body[type] as Record<string, unknown> | undefined;
  if (typeof part !== 'object' || part === null) return `${type} object is required`;
  if (type === 'text') return typeof part.body === 'string' && part.body ? undefined : 'text.body is required';
  if (type === 'template') return typeof part.name === 'string' && typeof (part.language as { code?: unknown })?.code === 'string' ? undefined : 'template.name and language.code are required';
  if (MEDIA_TYPES.has(type)) return typeof part.link === 'string' || typeof part.id === 'string' ? undefined : `${type}.link or id is required`;
  return `unsupported type ${type}`;
}

function wamid(): string {
  return 'wamid.' + Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64');
}

function isError(reply: FakeGraphReply | undefined): reply is FakeGraphError | number {
  return reply !== undefined && (typeof reply === 'number' ? reply >= 300 : 'status' in reply && reply.status >= 300);
}

/** Starts the fake on 127.0.0.1, port 0. Stop it (or `await using`) when done. */
export function startFakeGraph(opts: FakeGraphOptions = {}): FakeGraph {
  const accessToken = opts.accessToken ?? 'EAAG' + crypto.randomUUID().replaceAll('-', '');
  const phoneNumberId = opts.phoneNumberId ?? '106540352242922';
  const wabaId = opts.wabaId ?? '102290129340398';
  const apiVersion = opts.apiVersion ?? DEFAULT_API_VERSION;
  const requests: RecordedSend[] = [];
  const messages: RecordedSend[] = [];
  const mediaRequests: MediaRequest[] = [];
  const templateRequests: URLSearchParams[] = [];
  const media = new Map<string, { bytes: Uint8Array<ArrayBuffer>; mimeType: string; opts: AddMediaOptions }>();
  const waiters = new Set<{ n: number; resolve: (sent: RecordedSend[]) => void }>();
  let templates: Record<string, unknown>[] = [];
  let paging: { pageSize: number; nextOrigin?: string } = { pageSize: 25 };
  let responder: SendResponder | null = null;
  let mediaResponder: MediaResponder | null = null;
  const failures: FakeGraphReply[] = [];

  const authorized = (request: Request) => request.headers.get('authorization') === `Bearer ${accessToken}`;
  const unauthorized = () => graphError(401, 190);

  function create(send: RecordedSend): void {
    send.wamid = wamid();
    messages.push(send);
    for (const waiter of waiters) if (messages.length >= waiter.n) (waiters.delete(waiter), waiter.resolve(messages.slice()));
  }

  async function postMessage(request: Request, pathId: string): Promise<Response> {
    let body: Record<string, unknown> | null = null;
    try {
      body = (await request.json()) as Record<string, unknown>;
    } catch {
      body = null;
    }
    const send: RecordedSend = { phoneNumberId: pathId, body, authorized: authorized(request) };
    requests.push(send);
    const reply = failures.length ? failures.shift() : await responder?.(send);
    const acceptsFirst = typeof reply === 'object' && reply.accepted === true;
    if (acceptsFirst) create(send);
    if (typeof reply === 'object' && 'hang' in reply) return NEVER;
    if (typeof reply === 'object' && 'drop' in reply) return new Response(new ReadableStream({ pull: (c) => c.error(undefined) }));
    if (isError(reply)) return typeof reply === 'number' ? graphError(reply) : graphError(reply.status, reply.code, reply.message, reply);
    if (!send.authorized) return unauthorized();
    if (pathId !== phoneNumberId) return graphError(400, 100, `Unsupported post request. Object with ID '${pathId}' does not exist`, { subcode: 33 });
    const invalid = invalidSend(body);
    if (invalid) return graphError(400, 100, 'Invalid parameter', { details: invalid });
    if (!acceptsFirst) create(send);
    const input = String(body!.to ?? body!.recipient);
    const contact = body!.to ? { input, wa_id: input } : { input, user_id: input };
    return Response.json({ messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: send.wamid }] });
  }

  function mediaInfo(request: Request, id: string): Response {
    // The business number itself (what `wasap doctor` asks for), as Graph answers `?fields=display_phone_number,…`.
    if (id === phoneNumberId) {
      if (!authorized(request)) return unauthorized();
      return Response.json({ display_phone_number: '+1 555-078-3881', verified_name: 'Talento Ñandú', id });
    }
    mediaRequests.push({ step: 'info', id, authorization: request.headers.get('authorization') });
    const status = mediaResponder?.(mediaRequests.at(-1)!);
    if (status !== undefined) return graphError(status, status >= 500 ? 131000 : 100);
    if (!authorized(request)) return unauthorized();
    const item = media.get(id);
    if (!item) return graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist`, { subcode: 33 });
    const sha256 = item.opts.sha256 ?? new Bun.CryptoHasher('sha256').update(item.bytes).digest('hex');
    const origin = item.opts.downloadOrigin ?? url;
    const download = `${origin}/whatsapp_business/attachments/?mid=${id}&ext=${Date.now()}&hash=ATv${id}`;
    return Response.json({ messaging_product: 'whatsapp', url: download, mime_type: item.mimeType, sha256, file_size: String(item.opts.fileSize ?? item.bytes.byteLength), id });
  }

  function mediaDownload(request: Request, id: string): Response {
    mediaRequests.push({ step: 'download', id, authorization: request.headers.get('authorization') });
    const status = mediaResponder?.(mediaRequests.at(-1)!);
    if (status !== undefined) return new Response(`HTTP ${status}`, { status });
    if (!authorized(request)) return unauthorized();
    const item = media.get(id);
    if (!item) return new Response('Not found', { status: 404 });
    if (item.opts.redirectTo) return new Response(null, { status: 302, headers: { location: item.opts.redirectTo } });
    return new Response(item.bytes, { headers: { 'content-type': item.mimeType } });
  }

  function listTemplates(request: Request, pathId: string): Response {
    const query = new URL(request.url).searchParams;
    templateRequests.push(query);
    if (!authorized(request)) return unauthorized();
    if (pathId !== wabaId) return graphError(400, 100, `Unsupported get request. Object with ID '${pathId}' does not exist`, { subcode: 33 });
    const size = Math.min(Number(query.get('limit') ?? 25) || 25, paging.pageSize);
    const start = Number(query.get('after') ?? 0) || 0;
    const data = templates.slice(start, start + size);
    const cursors = { before: String(start), after: String(start + data.length) };
    const more = start + data.length < templates.length;
    const next = new URL(`${paging.nextOrigin ?? url}/${apiVersion}/${wabaId}/message_templates`);
    for (const [key, value] of query) if (key !== 'after') next.searchParams.set(key, value);
    next.searchParams.set('after', cursors.after);
    return Response.json({ data, paging: { cursors, ...(more ? { next: next.href } : {}) } });
  }

  async function route(request: Request): Promise<Response> {
    const { pathname, searchParams } = new URL(request.url);
    const parts = pathname.split('/').filter(Boolean);
    if (pathname === '/whatsapp_business/attachments/' && request.method === 'GET') return mediaDownload(request, searchParams.get('mid') ?? '');
    if (parts[0] !== apiVersion) return graphError(400, 2500, 'Unknown path components');
    if (parts.length === 3 && parts[2] === 'messages' && request.method === 'POST') return postMessage(request, parts[1]!);
    if (parts.length === 3 && parts[2] === 'message_templates' && request.method === 'GET') return listTemplates(request, parts[1]!);
    if (parts.length === 2 && request.method === 'GET') return mediaInfo(request, parts[1]!);
    return graphError(400, 100, 'Unsupported request');
  }

  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: route });
  const url = `http://127.0.0.1:${server.port}`;
  let mediaIds = 0;

  async function stop(): Promise<void> {
    await server.stop(true);
  }

  return {
    url,
    accessToken,
    phoneNumberId,
    wabaId,
    apiVersion,
    requests,
    messages,
    mediaRequests,
    templateRequests,
    respondWith(fn) {
      responder = fn;
    },
    failNext(n, reply) {
      for (let i = 0; i < n; i++) failures.push(reply);
    },
    respondToMediaWith(fn) {
      mediaResponder = fn;
    },
    waitForMessages(n) {
      if (messages.length >= n) return Promise.resolve(messages.slice());
      const { promise, resolve } = Promise.withResolvers<RecordedSend[]>();
      waiters.add({ n, resolve });
      return promise;
    },
    addMedia(bytes, mimeType, mediaOpts = {}) {
      const id = String(1_000_000_000_000_000 + ++mediaIds);
      // Copied so a caller reusing its buffer cannot change what the fake serves.
      media.set(id, { bytes: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes), mimeType, opts: mediaOpts });
      return id;
    },
    setTemplates(list, pagingOpts = {}) {
      templates = list;
      paging = { pageSize: pagingOpts.pageSize ?? 25, ...(pagingOpts.nextOrigin ? { nextOrigin: pagingOpts.nextOrigin } : {}) };
    },
    async sendStatus(webhookUrl, appSecret, id, status, extra = {}) {
      const body = messages.find((m) => m.wamid === id)?.body;
      if (!body) throw new Error(`No message ${id} was created`);
      const to = typeof body.to === 'string' ? body.to : null;
      const built = metaStatus({
        id,
        status,
        to,
        ...(typeof body.recipient === 'string' && !to ? { bsuid: body.recipient } : {}),
        ...(typeof body.biz_opaque_callback_data === 'string' ? { callbackData: body.biz_opaque_callback_data } : {}),
        timestamp: String(Math.floor(Date.now() / 1000)),
      });
      const change = metaChange({ statuses: [{ status: { ...built.status, ...(extra as JsonObject) } }], phoneNumberId });
      return postMetaWebhook(webhookUrl, appSecret, { object: 'whatsapp_business_account', entry: [{ id: wabaId, changes: [change] }] });
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
