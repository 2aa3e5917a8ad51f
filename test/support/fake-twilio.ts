/** @module test/support/fake-twilio — a local stand-in for Twilio's Messages, Media and Content API, for sender, outbox, media and template tests. */
import { computeTwilioSignature } from '../../server/whatsapp/signature';
import { contentAndApprovalsPage, type FakeContent } from './fake-twilio-content';

export interface FakeTwilioOptions {
  accountSid?: string;
  authToken?: string;
  /** The clock that dates accepted messages (`date_created`, whole seconds like Twilio's RFC 2822 dates). */
  now?: () => Date;
  /** The largest ContentAndApprovals page served, whatever PageSize asks (Twilio's own cap is 1,000): small to test paging. */
  contentPageSize?: number;
}

/** One POST to Messages.json, whatever the answer was. */
export interface RecordedRequest {
  accountSid: string;
  /** Form fields (first value each); repeated MediaUrl values are in `mediaUrl`. */
  params: Record<string, string>;
  mediaUrl: string[];
  idempotencyKey: string | null;
  authorized: boolean;
}

/** One GET of Messages.json (the list), whatever the answer was. */
export interface RecordedListRequest {
  accountSid: string;
  /** Query parameters (first value each), e.g. To, From, PageSize, Page. */
  query: Record<string, string>;
  authorized: boolean;
}

/** A message the fake accepted (answered 201). */
export interface RecordedMessage {
  sid: string;
  accountSid: string;
  to: string;
  from?: string;
  body?: string;
  messagingServiceSid?: string;
  contentSid?: string;
  contentVariables?: string;
  mediaUrl: string[];
  statusCallback?: string;
  idempotencyKey: string | null;
}

/**
 * A status number (2xx = accept normally) or a Twilio error to answer with. `accepted: true` creates the message
 * first and then answers with the error (Twilio has it, the client thinks not); `hang: true` never answers at all
 * (with `accepted`, after creating it) — the two ambiguous outcomes a sender must reconcile.
 */
export type FakeReply = number | { status: number; code?: number; message?: string; accepted?: boolean } | { hang: true; accepted: boolean };
/** Decides the answer to one request; undefined means "behave like Twilio". May return a promise to hold the answer back. */
export type Responder = (request: RecordedRequest) => FakeReply | undefined | Promise<FakeReply | undefined>;
/** The same for list requests. */
export type ListResponder = (request: RecordedListRequest) => FakeReply | undefined | Promise<FakeReply | undefined>;

export interface FakeTwilio extends AsyncDisposable {
  url: string;
  accountSid: string;
  authToken: string;
  messages: RecordedMessage[];
  requests: RecordedRequest[];
  listRequests: RecordedListRequest[];
  respondWith(fn: Responder | null): void;
  respondToListsWith(fn: ListResponder | null): void;
  /** The Content API's resources, in listing order: tests push, change and remove them (fake-twilio-content textContent). */
  contents: FakeContent[];
  /** Every GET of ContentAndApprovals, one per page. */
  contentRequests: RecordedListRequest[];
  respondToContentWith(fn: ListResponder | null): void;
  waitForMessages(n: number): Promise<RecordedMessage[]>;
  /** Serves `bytes` at a Twilio-style media URL that needs basic auth; `redirect` answers 307 to the bytes, as Twilio does. */
  addMedia(bytes: Uint8Array | string, contentType: string, opts?: { redirect?: boolean }): string;
  /** Posts a signed status callback for an accepted message to its StatusCallback URL, as Twilio would. */
  sendStatus(sid: string, status: string, extra?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** Answers in order, then behaves like Twilio: `respondWith(inSequence(500, 500))` fails twice, then accepts. */
export function inSequence(...replies: FakeReply[]): Responder {
  const queue = [...replies];
  return function nextReply() {
    return queue.shift();
  };
}

const DEFAULT_ERRORS: Record<number, { code: number; message: string }> = {
  400: { code: 21211, message: "The 'To' number is not a valid phone number." },
  401: { code: 20003, message: 'Authenticate' },
  404: { code: 20404, message: 'The requested resource was not found' },
  429: { code: 20429, message: 'Too Many Requests' },
  500: { code: 20500, message: 'Internal Server Error' },
  503: { code: 20503, message: 'Service Unavailable' },
};

function hex32(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/** Twilio's legacy error body: `{ code, message, more_info, status }`. */
export function twilioError(status: number, code?: number, message?: string): Response {
  const known = DEFAULT_ERRORS[status];
  const errorCode = code ?? known?.code ?? null;
  const body = {
    code: errorCode,
    message: message ?? known?.message ?? `HTTP ${status}`,
    more_info: errorCode === null ? null : `https://www.twilio.com/docs/errors/${errorCode}`,
    status,
  };
  return Response.json(body, { status });
}

function checkAuth(request: Request, accountSid: string, authToken: string): boolean {
  const expected = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
  return request.headers.get('authorization') === expected;
}

/** Twilio validates these before accepting; the codes are the ones it really returns. */
function validateSend(params: Record<string, string>, mediaUrl: string[]): Response | undefined {
  if (!params.To) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (!/^whatsapp:\+\d{8,15}$/.test(params.To)) return twilioError(400, 21211, `The 'To' number ${params.To} is not a valid phone number.`);
  if (!params.From && !params.MessagingServiceSid) return twilioError(400, 21603, "A 'From' phone number is required.");
  if (!params.Body && !params.ContentSid && mediaUrl.length === 0) return twilioError(400, 21602, 'Message body is required.');
  return undefined;
}

function recordMessage(request: RecordedRequest): RecordedMessage {
  const p = request.params;
  const message: RecordedMessage = { sid: 'SM' + hex32(), accountSid: request.accountSid, to: p.To ?? '', mediaUrl: request.mediaUrl, idempotencyKey: request.idempotencyKey };
  const optional = { from: p.From, body: p.Body, messagingServiceSid: p.MessagingServiceSid, contentSid: p.ContentSid, contentVariables: p.ContentVariables, statusCallback: p.StatusCallback };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(message, { [key]: value });
  return message;
}

/** What Twilio changes on an accepted message after the fact. */
interface MessageState {
  dateCreated: Date;
  status: string;
}

/** Twilio's date format: 'Fri, 27 Nov 2026 03:12:00 +0000'. */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function messageResource(message: RecordedMessage, state: MessageState): Record<string, unknown> {
  const now = rfc2822(state.dateCreated);
  const uri = `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}`;
  return {
    account_sid: message.accountSid,
    api_version: '2010-04-01',
    body: message.body ?? '',
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: message.from ?? null,
    messaging_service_sid: message.messagingServiceSid ?? null,
    num_media: String(message.mediaUrl.length),
    num_segments: '1',
    price: null,
    price_unit: null,
    sid: message.sid,
    status: state.status,
    subresource_uris: { media: `${uri}/Media.json` },
    to: message.to,
    uri: `${uri}.json`,
  };
}

function replyResponse(reply: FakeReply | undefined): Response | undefined {
  if (reply === undefined || (typeof reply === 'number' && reply < 300) || (typeof reply === 'object' && 'hang' in reply)) return undefined;
  return typeof reply === 'number' ? twilioError(reply) : twilioError(reply.status, reply.code, reply.message);
}

/** Whether the reply creates the message before answering (or not answering). */
function acceptsFirst(reply: FakeReply | undefined): boolean {
  return typeof reply === 'object' && reply.accepted === true;
}

const NEVER = new Promise<never>(() => {});

function pageUri(accountSid: string, query: Record<string, string>, page: number, pageSize: number): string {
  const params = new URLSearchParams({ ...query, PageSize: String(pageSize), Page: String(page) });
  if (page > 0) params.set('PageToken', `PA${page}`);
  else params.delete('PageToken');
  return `/2010-04-01/Accounts/${accountSid}/Messages.json?${params}`;
}

/**
 * Twilio's list shape for one page of `newestFirst`. A message still queued has no date_sent, so
 * any DateSent filter leaves it out — as Twilio does, and the trap reconciliation must avoid.
 */
function listPage(accountSid: string, query: Record<string, string>, newestFirst: Record<string, unknown>[]): Record<string, unknown> {
  const pageSize = Math.min(Math.max(Number(query.PageSize ?? 50) || 50, 1), 1000);
  const page = Math.max(Number(query.Page ?? 0) || 0, 0);
  const dateFiltered = ['DateSent', 'DateSent>', 'DateSent<'].some((key) => key in query);
  const matching = newestFirst.filter((m) => !dateFiltered && (!query.To || m.to === query.To) && (!query.From || m.from === query.From));
  const start = page * pageSize;
  const messages = matching.slice(start, start + pageSize);
  const uriQuery = Object.fromEntries(Object.entries(query).filter(([key]) => key !== 'PageSize' && key !== 'Page'));
  return {
    messages,
    first_page_uri: pageUri(accountSid, uriQuery, 0, pageSize),
    next_page_uri: start + pageSize < matching.length ? pageUri(accountSid, uriQuery, page + 1, pageSize) : null,
    previous_page_uri: page > 0 ? pageUri(accountSid, uriQuery, page - 1, pageSize) : null,
    page,
    page_size: pageSize,
    start,
    end: Math.max(start + messages.length - 1, start),
    uri: pageUri(accountSid, uriQuery, page, pageSize),
  };
}

async function readForm(request: Request): Promise<{ params: Record<string, string>; mediaUrl: string[] }> {
  const form = new URLSearchParams(await request.text());
  const params: Record<string, string> = {};
  for (const [key, value] of form) if (!(key in params)) params[key] = value;
  return { params, mediaUrl: form.getAll('MediaUrl') };
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MEDIA_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/[^/]+\/Media\/([^/]+)$/;
const MEDIA_CONTENT_PATH = /^\/media-content\/([^/]+)$/;

/** Starts the fake on 127.0.0.1, port 0. Stop it (or `await using`) when done. */
export function startFakeTwilio(opts: FakeTwilioOptions = {}): FakeTwilio {
  const accountSid = opts.accountSid ?? 'AC' + hex32();
  const authToken = opts.authToken ?? 'fake-auth-token-' + hex32();
  const messages: RecordedMessage[] = [];
  const requests: RecordedRequest[] = [];
  const listRequests: RecordedListRequest[] = [];
  const states = new Map<string, MessageState>();
  const now = opts.now ?? (() => new Date());
  const media = new Map<string, { bytes: Uint8Array<ArrayBuffer>; contentType: string; redirect: boolean }>();
  const waiters = new Set<{ n: number; resolve: (messages: RecordedMessage[]) => void }>();
  let responder: Responder | null = null;
  let listResponder: ListResponder | null = null;
  const contents: FakeContent[] = [];
  const contentRequests: RecordedListRequest[] = [];
  let contentResponder: ListResponder | null = null;

  async function createMessage(request: Request, pathSid: string): Promise<Response> {
    const { params, mediaUrl } = await readForm(request);
    const authorized = checkAuth(request, accountSid, authToken) && pathSid === accountSid;
    const recorded: RecordedRequest = { accountSid: pathSid, params, mediaUrl, idempotencyKey: request.headers.get('i-twilio-idempotency-token'), authorized };
    requests.push(recorded);
    const reply = await responder?.(recorded);
    const refused = replyResponse(reply);
    if (refused && !acceptsFirst(reply)) return refused;
    if (typeof reply === 'object' && 'hang' in reply && !reply.accepted) return NEVER;
    if (!authorized) return twilioError(401);
    const invalid = validateSend(params, mediaUrl);
    if (invalid) return invalid;
    const message = recordMessage(recorded);
    const state = { dateCreated: new Date(Math.floor(now().getTime() / 1000) * 1000), status: 'queued' };
    states.set(message.sid, state);
    messages.push(message);
    for (const waiter of waiters) if (messages.length >= waiter.n) (waiters.delete(waiter), waiter.resolve(messages.slice()));
    if (typeof reply === 'object' && 'hang' in reply) return NEVER;
    if (refused) return refused;
    return Response.json(messageResource(message, state), { status: 201 });
  }

  async function listMessages(request: Request, pathSid: string): Promise<Response> {
    const query: Record<string, string> = {};
    for (const [key, value] of new URL(request.url).searchParams) if (!(key in query)) query[key] = value;
    const recorded: RecordedListRequest = { accountSid: pathSid, query, authorized: checkAuth(request, accountSid, authToken) && pathSid === accountSid };
    listRequests.push(recorded);
    const refused = replyResponse(await listResponder?.(recorded));
    if (refused) return refused;
    if (!recorded.authorized) return twilioError(401);
    // Newest first; among messages of the same second, the later accepted first.
    const resources = messages.map((m) => messageResource(m, states.get(m.sid)!)).reverse();
    resources.sort((a, b) => Date.parse(String(b.date_created)) - Date.parse(String(a.date_created)));
    return Response.json(listPage(accountSid, query, resources));
  }

  async function listContent(request: Request): Promise<Response> {
    const query: Record<string, string> = {};
    for (const [key, value] of new URL(request.url).searchParams) if (!(key in query)) query[key] = value;
    const recorded: RecordedListRequest = { accountSid, query, authorized: checkAuth(request, accountSid, authToken) };
    contentRequests.push(recorded);
    const refused = replyResponse(await contentResponder?.(recorded));
    if (refused) return refused;
    if (!recorded.authorized) return twilioError(401);
    const page = contentAndApprovalsPage(contents, query, opts.contentPageSize);
    return Response.json(page.body, { status: page.status });
  }

  function serveMedia(request: Request, pathSid: string, mediaSid: string): Response {
    const item = media.get(mediaSid);
    if (!checkAuth(request, accountSid, authToken) || pathSid !== accountSid) return twilioError(401);
    if (!item) return twilioError(404);
    if (item.redirect) return new Response(null, { status: 307, headers: { location: `${url}/media-content/${mediaSid}` } });
    return new Response(item.bytes, { headers: { 'content-type': item.contentType } });
  }

  function serveMediaContent(mediaSid: string): Response {
    const item = media.get(mediaSid);
    return item ? new Response(item.bytes, { headers: { 'content-type': item.contentType } }) : new Response('Not found', { status: 404 });
  }

  async function route(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    const send = MESSAGES_PATH.exec(pathname);
    if (send && request.method === 'POST') return createMessage(request, send[1] ?? '');
    if (send && request.method === 'GET') return listMessages(request, send[1] ?? '');
    const mediaMatch = MEDIA_PATH.exec(pathname);
    if (mediaMatch && request.method === 'GET') return serveMedia(request, mediaMatch[1] ?? '', mediaMatch[2] ?? '');
    const content = MEDIA_CONTENT_PATH.exec(pathname);
    if (content && request.method === 'GET') return serveMediaContent(content[1] ?? '');
    if (pathname === '/v1/ContentAndApprovals' && request.method === 'GET') return listContent(request);
    return twilioError(404);
  }

  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: route });
  const url = `http://127.0.0.1:${server.port}`;

  function waitForMessages(n: number): Promise<RecordedMessage[]> {
    if (messages.length >= n) return Promise.resolve(messages.slice());
    const { promise, resolve } = Promise.withResolvers<RecordedMessage[]>();
    waiters.add({ n, resolve });
    return promise;
  }

  function addMedia(bytes: Uint8Array | string, contentType: string, mediaOpts: { redirect?: boolean } = {}): string {
    const mediaSid = 'ME' + hex32();
    // Copied so a caller reusing its buffer cannot change what the fake serves.
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes);
    media.set(mediaSid, { bytes: data, contentType, redirect: mediaOpts.redirect ?? false });
    return `${url}/2010-04-01/Accounts/${accountSid}/Messages/MM${hex32()}/Media/${mediaSid}`;
  }

  async function sendStatus(sid: string, status: string, extra: Record<string, string> = {}): Promise<Response> {
    const message = messages.find((m) => m.sid === sid);
    if (!message?.statusCallback) throw new Error(`No accepted message ${sid} with a StatusCallback URL`);
    states.get(sid)!.status = status;
    const params = {
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: status,
      SmsStatus: status,
      AccountSid: accountSid,
      To: message.to,
      From: message.from ?? '',
      ApiVersion: '2010-04-01',
      ChannelPrefix: 'whatsapp',
      ...extra,
    };
    const signature = computeTwilioSignature(authToken, message.statusCallback, params);
    return fetch(message.statusCallback, { method: 'POST', body: new URLSearchParams(params), headers: { 'x-twilio-signature': signature } });
  }

  async function stop(): Promise<void> {
    await server.stop(true);
  }

  return {
    url,
    accountSid,
    authToken,
    messages,
    requests,
    listRequests,
    waitForMessages,
    addMedia,
    sendStatus,
    stop,
    respondWith(fn) {
      responder = fn;
    },
    respondToListsWith(fn) {
      listResponder = fn;
    },
    contents,
    contentRequests,
    respondToContentWith(fn) {
      contentResponder = fn;
    },
    [Symbol.asyncDispose]: stop,
  };
}
