/** @module server/whatsapp/media-download — fetches a Twilio media URL: credentials only to Twilio, manual redirects, retries, a size cap. */

export type MediaDownloadErrorCode = 'MEDIA_DOWNLOAD_FAILED' | 'MEDIA_TOO_LARGE';

/** Why a media file could not be fetched. The message is safe to log and show: it never holds the auth token. */
export class MediaDownloadError extends Error {
  constructor(
    readonly code: MediaDownloadErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'MediaDownloadError';
  }
}

export interface DownloadMediaOptions {
  accountSid: string;
  authToken: string;
  maxBytes: number;
  /** Hosts beyond *.twilio.com (over https) that may receive the credentials, e.g. a test server. */
  trustedHosts: (host: string) => boolean;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Waits before the 2nd, 3rd… attempts; its length + 1 is the number of attempts. */
  retryDelaysMs?: number[];
  /** Per attempt, so a stalled CDN cannot hold a worker forever. */
  timeoutMs?: number;
}

export interface DownloadedMedia {
  bytes: Uint8Array;
  contentType: string;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A failure worth another attempt (404 while Twilio is still processing, 429, 5xx, network). */
class TransientFailure {
  constructor(readonly error: MediaDownloadError) {}
}

interface Attempt {
  fetch: typeof fetch;
  authorization: string;
  maxBytes: number;
  trusted: (url: URL) => boolean;
  scrub: (text: string) => string;
  timeoutMs: number;
}

export function isTwilioHost(url: URL): boolean {
  return url.protocol === 'https:' && (url.hostname === 'api.twilio.com' || url.hostname.endsWith('.twilio.com'));
}

/** Host and path only: CDN URLs carry signatures in their query that logs need not keep. */
function describe(url: URL): string {
  return `${url.host}${url.pathname}`;
}

function failed(message: string, status?: number): MediaDownloadError {
  return new MediaDownloadError('MEDIA_DOWNLOAD_FAILED', message, status);
}

function tooLarge(maxBytes: number, url: URL): MediaDownloadError {
  return new MediaDownloadError('MEDIA_TOO_LARGE', `The media file at ${describe(url)} is larger than the ${maxBytes}-byte limit.`);
}

/** Reads the body, giving up as soon as it passes the cap instead of buffering a huge file. */
async function readCapped(response: Response, url: URL, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(maxBytes, url);
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
      throw tooLarge(maxBytes, url);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function nextHop(location: string, from: URL, status: number): URL {
  try {
    return new URL(location, from);
  } catch {
    throw failed(`${from.host} redirected to an invalid URL`, status);
  }
}

/** Hop by hop, so each hop decides afresh whether it may see the credentials. */
async function followRedirects(start: URL, attempt: Attempt, signal: AbortSignal): Promise<{ response: Response; url: URL }> {
  let url = start;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw failed(`Refusing to fetch media over ${url.protocol}`);
    const headers: Record<string, string> = attempt.trusted(url) ? { authorization: attempt.authorization } : {};
    let response: Response;
    try {
      response = await attempt.fetch(url, { headers, redirect: 'manual', signal });
    } catch (error) {
      throw new TransientFailure(failed(`Could not reach ${url.host}: ${attempt.scrub((error as Error).message ?? String(error))}`));
    }
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || !location) return { response, url };
    await response.body?.cancel().catch(() => undefined);
    if (hop === MAX_REDIRECTS) throw failed(`Too many redirects (more than ${MAX_REDIRECTS}) fetching media from ${describe(start)}`, response.status);
    url = nextHop(location, url, response.status);
  }
}

async function attemptDownload(start: URL, attempt: Attempt): Promise<DownloadedMedia> {
  const signal = AbortSignal.timeout(attempt.timeoutMs);
  const { response, url } = await followRedirects(start, attempt, signal);
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const error = failed(`Fetching media from ${describe(url)} answered HTTP ${response.status}`, response.status);
    // 404: Twilio answers it for a moment after the webhook, until the media is processed.
    const transient = response.status === 404 || response.status === 429 || response.status >= 500;
    throw transient ? new TransientFailure(error) : error;
  }
  try {
    const bytes = await readCapped(response, url, attempt.maxBytes);
    return { bytes, contentType: response.headers.get('content-type')?.trim() || 'application/octet-stream' };
  } catch (error) {
    if (error instanceof MediaDownloadError) throw error;
    throw new TransientFailure(failed(`The download from ${url.host} broke off: ${attempt.scrub((error as Error).message ?? String(error))}`));
  }
}

function scrubber(secrets: string[]): (text: string) => string {
  const present = secrets.filter((secret) => secret.length > 0);
  return function scrub(text) {
    return present.reduce((out, secret) => out.replaceAll(secret, '***'), text);
  };
}

/** Downloads one Twilio media URL, retrying 404, 429, 5xx and network errors after each of retryDelaysMs. */
export async function downloadMedia(url: string, options: DownloadMediaOptions): Promise<DownloadedMedia> {
  const encoded = Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64');
  const attempt: Attempt = {
    fetch: options.fetch ?? fetch,
    authorization: `Basic ${encoded}`,
    maxBytes: options.maxBytes,
    trusted: (target) => isTwilioHost(target) || options.trustedHosts(target.hostname),
    scrub: scrubber([options.authToken, encoded]),
    timeoutMs: options.timeoutMs ?? 60_000,
  };
  const sleep = options.sleep ?? ((ms: number) => Bun.sleep(ms));
  const delays = options.retryDelaysMs ?? [1_000, 3_000];
  let start: URL;
  try {
    start = new URL(url);
  } catch {
    throw failed('The media URL is not a valid URL');
  }
  for (let tries = 0; ; tries++) {
    try {
      return await attemptDownload(start, attempt);
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      const delay = delays[tries];
      if (delay === undefined) {
        throw failed(`${error.error.message} (gave up after ${tries + 1} attempts)`, error.error.status);
      }
      await sleep(delay);
    }
  }
}
