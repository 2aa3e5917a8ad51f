/** @module server/whatsapp/send-errors — SendError and the classification of Twilio/network failures as transient or permanent. */
import { KNOWN_ERROR_CODES } from './error-codes';

export interface SendErrorInit {
  permanent: boolean;
  /** The provider may have accepted the message (see SendError.ambiguous). Default false. */
  ambiguous?: boolean;
  reason: string;
  providerCode?: number;
  status?: number;
  cause?: unknown;
}

/**
 * A send that did not go out, or may not have. `permanent` tells the outbox to stop retrying; `ambiguous` that the
 * provider may have the message anyway (a timeout or a connection dropped after the request was written, a 5xx),
 * so it must be looked up before any resend — Twilio does not deduplicate. `reason` is what the message records: the
 * provider's own words when it gave an error code (the view explains a known `providerCode` in the reader's language,
 * server/whatsapp/error-codes), ours otherwise.
 */
export class SendError extends Error {
  readonly code = 'SEND_FAILED' as const;
  readonly permanent: boolean;
  readonly ambiguous: boolean;
  readonly reason: string;
  readonly providerCode?: number;
  readonly status?: number;

  constructor(init: SendErrorInit) {
    super(init.reason, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'SendError';
    this.permanent = init.permanent;
    this.ambiguous = init.ambiguous ?? false;
    this.reason = init.reason;
    if (init.providerCode !== undefined) this.providerCode = init.providerCode;
    if (init.status !== undefined) this.status = init.status;
  }
}

/** What to do with an HTTP failure: wait and retry (429, 408, 5xx) or stop (any other 4xx). */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * From an HTTP error answer: Twilio's status, error code and message. A 5xx is ambiguous: the request reached
 * Twilio, which may have created the message before failing (a 4xx, 429 included, means it did not). The code is
 * kept apart from the words, never written into them: the view says it once, after the reason.
 */
export function sendErrorFromResponse(status: number, providerCode: number | undefined, message: string | undefined, cause?: unknown): SendError {
  const known = providerCode === undefined ? undefined : KNOWN_ERROR_CODES[providerCode];
  const permanent = known?.permanent ?? !isTransientStatus(status);
  const ambiguous = status >= 500 && !permanent;
  const fallback = isTransientStatus(status) ? `Twilio is having trouble (HTTP ${status}): the message will be retried` : `Twilio refused the message (HTTP ${status})`;
  const said = message?.trim();
  // A known code has its plain reason in the catalogue: Twilio's own text is the detail, without our preamble.
  const reason = known ? said || fallback : said ? `${fallback}: ${said}` : fallback;
  return new SendError({ permanent, ambiguous, reason, providerCode, status, cause });
}

interface HttpErrorLike {
  status?: unknown;
  code?: unknown;
  message?: unknown;
  detail?: unknown;
}

interface NetworkErrorLike {
  isAxiosError?: unknown;
  code?: unknown;
  message?: unknown;
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
/** The request never left: no connection was made, so Twilio cannot have the message. Anything else may have reached it. */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
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

function fromNetworkError(error: NetworkErrorLike): SendError {
  const code = typeof error.code === 'string' ? error.code : undefined;
  const timedOut = (code !== undefined && TIMEOUT_CODES.has(code)) || /timeout/i.test(String(error.message ?? ''));
  const reason = timedOut
    ? 'Twilio did not answer in time: the message will be checked with Twilio, then retried if it did not arrive'
    : `Could not reach Twilio (${code ?? String(error.message ?? 'network error')}): the message will be retried`;
  const ambiguous = timedOut || code === undefined || !NOT_CONNECTED_CODES.has(code);
  return new SendError({ permanent: false, ambiguous, reason, cause: error });
}

/**
 * Any error from the twilio client → SendError (permanent or retryable; ambiguous when Twilio may have it). Twilio's RestException and TwilioServiceException
 * carry a numeric `status`; a request that got no answer carries a string `code` (server/whatsapp/twilio-http
 * networkError: ECONNREFUSED, ECONNRESET, ETIMEDOUT…; axios errors have the same shape). Anything else is treated as
 * transient: an unknown failure should be retried (the outbox caps attempts), not silently dropped.
 */
export function classifySendError(error: unknown): SendError {
  if (error instanceof SendError) return error;
  const http = (error ?? {}) as HttpErrorLike;
  if (typeof http.status === 'number') {
    const providerCode = typeof http.code === 'number' ? http.code : undefined;
    const message = typeof http.detail === 'string' ? http.detail : typeof http.message === 'string' ? http.message : undefined;
    return sendErrorFromResponse(http.status, providerCode, message, error);
  }
  const network = (error ?? {}) as NetworkErrorLike;
  if (network.isAxiosError || typeof network.code === 'string') return fromNetworkError(network);
  // Not knowing what happened is the definition of ambiguous: look it up before sending again.
  const message = error instanceof Error ? error.message : String(error);
  return new SendError({ permanent: false, ambiguous: true, reason: `Unexpected error while sending: ${message}`, cause: error });
}

/** How `provider` classifies what its sends throw: its own `classify`, else classifySendError (Twilio's and network shapes). */
export function providerClassifier(provider: { classify?: (error: unknown) => SendError }): (error: unknown) => SendError {
  return provider.classify ?? classifySendError;
}
