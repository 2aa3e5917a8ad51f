/** @module server/whatsapp/signature — checks and computes X-Twilio-Signature, and rebuilds the URL Twilio signed. */
import { timingSafeEqual } from 'node:crypto';

/**
 * True when `signature` (the X-Twilio-Signature header) matches `url` and the form `params` exactly as
 * received — pass the params before any cleaning (NUL stripping), since Twilio signed the originals.
 */
export function verifyTwilioSignature(authToken: string, signature: string | null | undefined, url: string, params: Record<string, string>): boolean {
  if (!signature || !authToken) return false;
  const given = Buffer.from(signature);
  const matches = (candidate: string) => {
    const expected = Buffer.from(computeTwilioSignature(authToken, candidate, params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  };
  // Like twilio.validateRequest (which costs twice as much per call): the URL as given, then with the
  // default port added or removed, since proxies differ in whether Twilio's signed URL had it. The
  // variants are built only when the URL as given does not match (the common case needs one HMAC).
  return matches(url) || urlVariants(url).some((candidate) => candidate !== url && matches(candidate));
}

function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : '80';
  const explicit = new RegExp(`^(\\w+:)//([^/:]+):${defaultPort}(?=[/?#]|$)`);
  // Only the default port is ever toggled: a signature for :443 never validates a request on :8443.
  if (explicit.test(url)) return [url, url.replace(explicit, '$1//$2')];
  if (parsed.port === '') return [url, url.replace(/^(\w+:)\/\/([^/?#]+)/, `$1//$2:${defaultPort}`)];
  return [url];
}

/**
 * The signature Twilio would send: base64 HMAC-SHA1 of the URL followed by each parameter name and
 * value, names sorted. Used by the simulator, tests and the bench to sign requests they fake.
 */
export function computeTwilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  // One update with the whole string: cheaper than an update per parameter on the webhook's hot path.
  let data = url;
  for (const key of Object.keys(params).sort()) data += key + params[key];
  return new Bun.CryptoHasher('sha1', authToken).update(data).digest('base64');
}

export interface WebhookUrlOptions {
  /** PUBLIC_URL, the origin (and optional base path) Twilio is configured to call. */
  publicUrl: string;
  /** Behind a reverse proxy: take the scheme and host from X-Forwarded-Proto/-Host instead. */
  trustProxy: boolean;
}

/** Proxies append to these headers as a request passes through; the first value is the client-facing one. */
function firstValue(header: string | null): string | undefined {
  const first = header?.split(',')[0]?.trim();
  return first ? first : undefined;
}

/** The URL Twilio called — what its signature covers: public origin + route path + the query string as received. */
export function webhookUrl(request: Request, path: string, opts: WebhookUrlOptions): string {
  const received = new URL(request.url);
  if (!opts.trustProxy) return opts.publicUrl.replace(/\/+$/, '') + path + received.search;
  const proto = firstValue(request.headers.get('x-forwarded-proto')) ?? received.protocol.replace(/:$/, '');
  const host = firstValue(request.headers.get('x-forwarded-host')) ?? received.host;
  return `${proto}://${host}${path}${received.search}`;
}
