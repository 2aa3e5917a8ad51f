/**
 * @module server/whatsapp/meta/graph — one Graph API request for the Meta client: the bearer token only to the
 * configured Graph origin, a per-request timeout, JSON both ways, and every way it can fail told apart (GraphFailure):
 * refused (no connection: Meta cannot have it), timed out or dropped (Meta may have it), an error answer (Graph's
 * `{ error: { message, type, code, error_subcode, error_data: { details }, fbtrace_id } }`), or an answer we cannot
 * read. Callers turn a GraphFailure into their own error (meta/errors for sends and listings, meta/media for media).
 */
import { PayloadTooLargeError } from '../../errors';
import { readStreamCapped } from '../../request-guard';

/** Graph API's public origin. */
export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';
/**
 * The newest Graph API version in Meta's changelog (https://developers.facebook.com/docs/graph-api/changelog:
 * v26.0, introduced 29 July 2026, available until further notice; v23.0 is retired on 8 October 2027).
 */
export const DEFAULT_API_VERSION = 'v26.0';

/**
 * The largest Graph API answer read: a send's answer is under 1 KB and a page of 100 templates well under 512 KB; a
 * larger one is not an answer we asked for and is cut off (and fails as unreadable) rather than held in memory.
 */
export const MAX_GRAPH_ANSWER_BYTES = 2 * 1024 * 1024;

/** The answer's text, read no further than `max` bytes (past it the rest is cancelled and the text is empty). */
async function cappedText(response: Response, max: number): Promise<string> {
  if (!response.body) return '';
  try {
    return new TextDecoder().decode(await readStreamCapped(response.body, max));
  } catch (error) {
    if (error instanceof PayloadTooLargeError) return '';
    throw error;
  }
}
/** Per request, so a stalled Graph API cannot hold a send forever (twilio's client waits 30 s too). */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface GraphConfig {
  accessToken: string;
  /** Origin, optionally with a path prefix (a gateway): `https://graph.facebook.com`, `http://127.0.0.1:4010`. */
  graphUrl: string;
  /** `v26.0`. */
  apiVersion: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** Graph API's error object, as far as we read it. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  details?: string;
  fbtrace_id?: string;
  is_transient?: boolean;
}

export type GraphFailureKind = 'refused' | 'timeout' | 'dropped' | 'http' | 'unreadable';

/** The request never connected (the same list server/whatsapp/send-errors reads): Meta cannot have it. */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ConnectionRefused',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** Why a Graph request did not give a usable answer. Its message never holds the access token. */
export class GraphFailure extends Error {
  constructor(
    readonly kind: GraphFailureKind,
    message: string,
    readonly status?: number,
    readonly graph?: GraphErrorBody,
    /** The runtime's code for a request with no answer (ECONNREFUSED, ECONNRESET…). */
    readonly networkCode?: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'GraphFailure';
  }
}

/** Replaces the token wherever it appears (error texts from the runtime or from Meta). */
export function scrubToken(text: string, token: string): string {
  return token.length > 0 ? text.replaceAll(token, '***') : text;
}

/** `{graph}/{version}/{path}` with `query`. Path segments are ids we validated (digits) or fixed names. */
export function graphEndpoint(config: GraphConfig, path: string, query: Record<string, string> = {}): URL {
  const url = new URL(`${config.graphUrl.replace(/\/+$/, '')}/${config.apiVersion}/${path}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url;
}

/** Whether `url` is on the configured Graph API (same origin, under its path prefix): only there may the token go. */
export function isGraphUrl(config: GraphConfig, url: URL): boolean {
  const base = new URL(config.graphUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  return url.origin === base.origin && (prefix === '' || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function int(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/** Graph's `{ error: {...} }`, validated field by field; undefined when the body is not one. */
export function parseGraphError(body: unknown): GraphErrorBody | undefined {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as Record<string, unknown>;
  const data = typeof e.error_data === 'object' && e.error_data !== null ? (e.error_data as Record<string, unknown>) : {};
  const parsed: GraphErrorBody = {};
  const fields = { message: str(e.message), type: str(e.type), code: int(e.code), error_subcode: int(e.error_subcode), details: str(data.details), fbtrace_id: str(e.fbtrace_id) };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) Object.assign(parsed, { [key]: value });
  if (typeof e.is_transient === 'boolean') parsed.is_transient = e.is_transient;
  return parsed;
}

function noAnswer(error: unknown, token: string): GraphFailure {
  const e = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new GraphFailure('timeout', 'Meta did not answer before the timeout', undefined, undefined, 'ETIMEDOUT', error);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = scrubToken(String(e.message ?? error), token);
  const kind = code !== undefined && NOT_CONNECTED_CODES.has(code) ? 'refused' : 'dropped';
  return new GraphFailure(kind, `No answer from Meta (${code ?? 'network error'}): ${message}`, undefined, undefined, code, error);
}

/**
 * One request to the Graph API at `url` (which must be a Graph URL: the token goes with it), answering the parsed
 * JSON of a 2xx. Throws GraphFailure: `refused`/`timeout`/`dropped` when no answer came, `http` for an error status
 * (with Graph's error when the body has one), `unreadable` for a 2xx whose body is not JSON.
 */
export async function graphRequest(config: GraphConfig, url: URL, init: { method: 'GET' | 'POST'; body?: unknown } = { method: 'GET' }): Promise<unknown> {
  if (!isGraphUrl(config, url)) throw new GraphFailure('refused', `Refusing to send the access token outside the Graph API (${url.origin})`);
  const headers: Record<string, string> = { authorization: `Bearer ${config.accessToken}`, accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let text: string;
  let status: number;
  try {
    const response = await config.fetch(url, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    status = response.status;
    text = await cappedText(response, MAX_GRAPH_ANSWER_BYTES);
  } catch (error) {
    throw noAnswer(error, config.accessToken);
  }
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status >= 200 && status < 300) {
    if (body === undefined) throw new GraphFailure('unreadable', `Meta answered HTTP ${status} with a body that is not JSON`, status);
    return body;
  }
  const graph = parseGraphError(body);
  const said = graph?.message ? `: ${scrubToken(graph.message, config.accessToken)}` : '';
  throw new GraphFailure('http', `Meta answered HTTP ${status}${said}`, status, graph);
}
