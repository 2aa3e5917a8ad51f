/**
 * @module server/whatsapp/meta/media — an inbound media file from Meta, in the Cloud API's two steps
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/):
 * `GET /{media-id}` with the bearer token answers `{ url, mime_type, sha256, file_size, id }`; then `GET url` with the
 * same token (the URL lives 5 minutes). Each attempt runs both steps, so a retry gets a fresh URL.
 *
 * The token goes only to the configured Graph API, and to the host Meta returned over https; a redirect to any
 * other host, or plain http anywhere but the configured Graph API (a test's fake), is followed without it. Size is
 * capped three ways: Meta's `file_size` before downloading, Content-Length, then the bytes as they arrive. Meta's
 * `sha256` (hex, or base64 as its webhooks write it) is checked when given. 429, 5xx, network failures, a checksum
 * mismatch, a download that outlives `timeoutMs` and a 404 on the short-lived URL are retried after each of
 * `retryDelaysMs`; failures throw MediaDownloadError (server/whatsapp/media-download), whose message never holds the
 * token.
 */
import type { FetchedMedia } from '../port';
import { MediaDownloadError } from '../media-download';
import { META_MEDIA_SCHEME, metaMediaId } from './kinds';
import { graphEndpoint, graphRequest, GraphFailure, isGraphUrl, scrubToken, type GraphConfig } from './graph';

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface MetaMediaOptions {
  maxBytes: number;
  /** Waits before the 2nd, 3rd… attempts; its length + 1 is the number of attempts. Default [1 000, 3 000]. */
  retryDelaysMs?: number[];
  sleep?: (ms: number) => Promise<void>;
  /** Per download attempt (the file itself; step 1 has the Graph request's timeout). Default 60 s, as for Twilio's media. */
  timeoutMs?: number;
}

interface MediaInfo {
  url: URL;
  mimeType?: string;
  sha256?: string;
  fileSize?: number;
}

/** Worth another attempt. */
class Transient {
  constructor(readonly error: MediaDownloadError) {}
}

function failed(message: string, status?: number): MediaDownloadError {
  return new MediaDownloadError('MEDIA_DOWNLOAD_FAILED', message, status);
}

function tooLarge(maxBytes: number): MediaDownloadError {
  return new MediaDownloadError('MEDIA_TOO_LARGE', `The media file is larger than the ${maxBytes}-byte limit.`);
}

/**
 * The media id in `ref` (`meta-media:<id>`, as the Meta parser stores it: server/whatsapp/meta/kinds); anything else
 * is refused before any request, and so is an id of dots only, which a URL would read as a path step.
 */
export function mediaIdOf(ref: string): string {
  const id = metaMediaId(ref);
  if (id === null || /^\.+$/.test(id)) throw failed(`Not a Meta media reference (expected ${META_MEDIA_SCHEME}<media id>)`);
  return id;
}

function parseInfo(body: unknown): MediaInfo {
  const b = (body ?? {}) as Record<string, unknown>;
  let url: URL;
  try {
    url = new URL(String(b.url));
  } catch {
    throw failed("Meta's media answer has no valid download URL");
  }
  const size = typeof b.file_size === 'number' ? b.file_size : typeof b.file_size === 'string' && /^\d+$/.test(b.file_size) ? Number(b.file_size) : undefined;
  const info: MediaInfo = { url };
  if (typeof b.mime_type === 'string' && b.mime_type.trim()) info.mimeType = b.mime_type.trim();
  if (typeof b.sha256 === 'string' && b.sha256.trim()) info.sha256 = b.sha256.trim();
  if (size !== undefined) info.fileSize = size;
  return info;
}

/** Step 1. A 4xx but 429 is final (unknown or expired media id, token refused); the rest is retried. */
async function lookUp(graph: GraphConfig, id: string): Promise<MediaInfo> {
  try {
    return parseInfo(await graphRequest(graph, graphEndpoint(graph, id)));
  } catch (error) {
    if (!(error instanceof GraphFailure)) throw error;
    const e = failed(`Looking up Meta media ${id}: ${error.message}`, error.status);
    const final = error.kind === 'http' && error.status !== undefined && error.status < 500 && error.status !== 429;
    throw final ? e : new Transient(e);
  }
}

/** Reads the body, stopping as soon as it passes the cap. */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(maxBytes);
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  // A fresh buffer of its own: Buffer.concat may hand out a slice of a shared pool.
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Where Meta serves media from (`lookaside.fbsbx.com` today; its CDNs): with Meta's own Graph API, the token goes to a
 * download host the lookup named only when it is one of these, so a tampered or spoofed lookup answer cannot collect
 * it. Behind another Graph URL (a BSP, a gateway, a test) the host its lookup names is trusted as before.
 */
export const META_MEDIA_DOMAINS: readonly string[] = ['fbsbx.com', 'fbcdn.net', 'whatsapp.net', 'facebook.com'];

function isMetaMediaHost(hostname: string): boolean {
  return META_MEDIA_DOMAINS.some((domain) => hostname === domain || hostname.endsWith(`.${domain}`));
}

/** Step 2, hop by hop so each hop decides afresh whether it may see the token. */
async function download(graph: GraphConfig, info: MediaInfo, maxBytes: number, timeoutMs: number): Promise<{ bytes: Uint8Array; contentType?: string }> {
  const metaGraph = new URL(graph.graphUrl).hostname === 'graph.facebook.com';
  const named = info.url.protocol === 'https:' && (!metaGraph || isMetaMediaHost(info.url.hostname));
  const metaHost = named ? info.url.host : undefined;
  const trusted = (url: URL) => isGraphUrl(graph, url) || (url.protocol === 'https:' && url.host === metaHost);
  const signal = AbortSignal.timeout(timeoutMs);
  let url = info.url;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw failed(`Refusing to fetch media over ${url.protocol}`);
    let response: Response;
    try {
      response = await graph.fetch(url, { headers: trusted(url) ? { authorization: `Bearer ${graph.accessToken}` } : {}, redirect: 'manual', signal });
    } catch (error) {
      throw new Transient(failed(`Could not fetch media from ${url.host}: ${scrubToken(String((error as Error)?.message ?? error), graph.accessToken)}`));
    }
    const location = response.headers.get('location');
    if (REDIRECT_STATUSES.has(response.status) && location) {
      await response.body?.cancel().catch(() => undefined);
      if (hop === MAX_REDIRECTS) throw failed(`Too many redirects (more than ${MAX_REDIRECTS}) fetching media`, response.status);
      url = new URL(location, url);
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      const e = failed(`Fetching media from ${url.host}${url.pathname} answered HTTP ${response.status}`, response.status);
      // 404: the download URL lives 5 minutes; the next attempt asks Meta for a fresh one.
      throw response.status === 404 || response.status === 429 || response.status >= 500 ? new Transient(e) : e;
    }
    try {
      return { bytes: await readCapped(response, maxBytes), contentType: response.headers.get('content-type')?.trim() || undefined };
    } catch (error) {
      if (error instanceof MediaDownloadError) throw error;
      throw new Transient(failed(`The media download from ${url.host} broke off: ${scrubToken(String((error as Error)?.message ?? error), graph.accessToken)}`));
    }
  }
}

/** Whether `bytes` hash to Meta's `sha256`, written in hex or in base64. */
export function matchesSha256(bytes: Uint8Array, expected: string): boolean {
  const digest = new Bun.CryptoHasher('sha256').update(bytes).digest();
  return expected.toLowerCase() === digest.toString('hex') || expected === digest.toString('base64');
}

async function attempt(graph: GraphConfig, id: string, maxBytes: number, timeoutMs: number): Promise<FetchedMedia> {
  const info = await lookUp(graph, id);
  if (info.fileSize !== undefined && info.fileSize > maxBytes) throw tooLarge(maxBytes);
  const { bytes, contentType } = await download(graph, info, maxBytes, timeoutMs);
  if (info.sha256 && !matchesSha256(bytes, info.sha256)) throw new Transient(failed(`The media file ${id} does not match Meta's sha256`));
  return { bytes, contentType: info.mimeType ?? contentType ?? 'application/octet-stream' };
}

/** Fetches the bytes of `ref` (`meta-media:<id>`); throws MediaDownloadError (MEDIA_TOO_LARGE or MEDIA_DOWNLOAD_FAILED). */
export async function fetchMetaMedia(graph: GraphConfig, ref: string, options: MetaMediaOptions): Promise<FetchedMedia> {
  const id = mediaIdOf(ref);
  const sleep = options.sleep ?? ((ms: number) => Bun.sleep(ms));
  const delays = options.retryDelaysMs ?? [1_000, 3_000];
  for (let tries = 0; ; tries++) {
    try {
      return await attempt(graph, id, options.maxBytes, options.timeoutMs ?? 60_000);
    } catch (error) {
      if (!(error instanceof Transient)) throw error;
      const delay = delays[tries];
      if (delay === undefined) throw failed(`${error.error.message} (gave up after ${tries + 1} attempts)`, error.error.status);
      await sleep(delay);
    }
  }
}
