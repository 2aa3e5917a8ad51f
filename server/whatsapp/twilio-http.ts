/**
 * @module server/whatsapp/twilio-http — the HTTP client under the twilio library: the library still builds every
 * request and reads every answer; this sends them with the runtime's fetch (kept-alive connections) instead of its
 * default axios client, which cost about 2.8× the CPU per send here (bench/twilio-send.ts: 223 against 80 µs,
 * raw fetch 48 µs, same run), swaps the API origin
 * (twilio has no setting for it) and adds per-call headers (the idempotency token).
 *
 * twilio documents `httpClient` as the place for a custom client: anything with its RequestClient's `request(opts)`
 * answering `{ statusCode, body, headers }`; the body is the answer's text, which the library parses.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import twilio from 'twilio';

type RequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: TData };

/** The twilio client's default per-request timeout (its RequestClient's DEFAULT_TIMEOUT). */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Headers for the requests made inside `run`: `messages.create` takes no per-call headers and one client serves
 * concurrent sends, so they travel in AsyncLocalStorage down to the client.
 */
export const perCallHeaders = new AsyncLocalStorage<Record<string, string>>();

/** Keeps the path and query of a Twilio API URI and swaps its origin for `base` (which may carry a path prefix). */
export function rebaseUri(uri: string, base: string): string {
  const target = new URL(uri);
  return base.replace(/\/+$/, '') + target.pathname + target.search;
}

/** Form encoding as twilio's client does it (qs, arrayFormat "repeat"): `MediaUrl=a&MediaUrl=b`; undefined left out. */
export function formEncode(values: object): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, item === null ? '' : String(item));
  }
  return form.toString();
}

/**
 * A failure with no answer, as the error the send classification reads (server/whatsapp/send-errors): the
 * runtime's `code` (ECONNREFUSED, ECONNRESET, ENOTFOUND…), and ETIMEDOUT for a request that ran out of time.
 */
function networkError(error: unknown): Error {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError';
  const code = timedOut ? 'ETIMEDOUT' : typeof e?.code === 'string' ? e.code : undefined;
  const message = timedOut ? 'Twilio did not answer before the timeout' : String(e?.message ?? error);
  return Object.assign(new Error(message, { cause: error }), code === undefined ? {} : { code });
}

/** The answer's headers as a plain object (lower-case names). */
function headersOf(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => (out[name] = value));
  return out;
}

/**
 * Extra certificate authorities for Twilio's API, as twilio's own client reads them: the PEM file named by
 * TWILIO_CA_BUNDLE (a TLS-inspecting egress proxy, say). Read once; unset → the runtime's default roots.
 */
let caBundle: string | undefined | null = null;
function twilioCa(): string | undefined {
  if (caBundle === null) caBundle = process.env.TWILIO_CA_BUNDLE ? readFileSync(process.env.TWILIO_CA_BUNDLE, 'utf8') : undefined;
  return caBundle;
}

/** twilio's RequestClient on fetch, for one API origin (`apiUrl`, default Twilio's own) and timeout (ms). */
export class FetchRequestClient extends twilio.RequestClient {
  constructor(
    private readonly apiUrl: string | undefined,
    private readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {
    super({ timeout: timeoutMs });
  }

  /** One request; rejects only when no answer came (see networkError): an HTTP error status is an answer. */
  override async request<TData>(opts: RequestOptions<TData>) {
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined), ...perCallHeaders.getStore() };
    if (opts.username && opts.password) headers.Authorization = 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`).toString('base64');
    else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();
    let url = this.apiUrl ? rebaseUri(opts.uri, this.apiUrl) : opts.uri;
    if (opts.params && Object.keys(opts.params).length) url += (url.includes('?') ? '&' : '?') + formEncode(opts.params);
    const form = headers['Content-Type'] === 'application/x-www-form-urlencoded';
    const body = opts.data === undefined ? undefined : form ? formEncode(opts.data as object) : JSON.stringify(opts.data);
    try {
      const response = await fetch(url, {
        method: opts.method.toUpperCase(),
        headers,
        body,
        redirect: opts.allowRedirects ? 'follow' : 'manual',
        signal: AbortSignal.timeout(opts.timeout ?? this.timeoutMs),
        ...(twilioCa() ? { tls: { ca: twilioCa() } } : {}),
      });
      const text = await response.text();
      return { statusCode: response.status, body: text as TData, headers: headersOf(response) };
    } catch (error) {
      throw networkError(error);
    }
  }
}
