/** @module server/whatsapp/signature — checks and computes X-Twilio-Signature, and rebuilds the URL Twilio signed. */
import twilio from 'twilio';

/**
 * True when `signature` (the X-Twilio-Signature header) matches `url` and the form `params` exactly as
 * received — pass the params before any cleaning (NUL stripping), since Twilio signed the originals.
 */
export function verifyTwilioSignature(
  authToken: string,
  signature: string | null | undefined,
  url: string,
  params: Record<string, string>,
): boolean {
  if (!signature || !authToken) return false;
  try {
    return twilio.validateRequest(authToken, signature, url, params);
  } catch {
    // validateRequest parses the URL with `new URL`; a malformed one can only mean "not valid".
    return false;
  }
}

/**
 * The signature Twilio would send: base64 HMAC-SHA1 of the URL followed by each parameter name and
 * value, names sorted. Used by the simulator, tests and the bench to sign requests they fake.
 */
export function computeTwilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const hmac = new Bun.CryptoHasher('sha1', authToken);
  hmac.update(url);
  for (const key of Object.keys(params).sort()) hmac.update(key + params[key]);
  return hmac.digest('base64');
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
