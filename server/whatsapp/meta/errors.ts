/**
 * @module server/whatsapp/meta/errors — Meta's Cloud API failures as SendErrors: permanent (stop), retryable (later),
 * or ambiguous (Meta may have the message: look it up before any resend). The rule reads Meta's `code` first, since
 * Meta answers most codes with HTTP 400 whether they pass with time or not
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes: "build your app's
 * error handling logic around code values and details"); the HTTP status decides only for codes we do not know.
 *
 * - Known codes (server/whatsapp/error-codes META_ERROR_CODES) carry their own permanence: 131047 (outside the
 *   24-hour window), 131026 (undeliverable), 131049/131050/130472 (Meta's choices about this user), 100, 131051,
 *   131052/131053 (media), 132000–132016 (templates), 190 (token: an admin must act), 368 (blocked) are final;
 *   131056 (pair rate), 130429 (throughput), 80007/4/613 (rate limits), 131048 (spam rate), 1/2/131000/131016
 *   (Meta's own trouble) are retried later.
 * - Unknown codes in Meta's template range 132000–132999 are final; otherwise Meta's `is_transient` flag when it
 *   sends one; otherwise the HTTP status (429, 408, 5xx retried; other 4xx final).
 * - A 5xx that is not final is ambiguous: the request reached Meta, which may have accepted it before failing.
 * - No answer: a refused connection never reached Meta (retry); a timeout or a dropped connection may have
 *   (ambiguous); so may a 2xx we cannot read.
 * Reasons keep Meta's words apart from the code (the view says the code once) and never hold the access token.
 */
import { knownCode } from '../error-codes';
import { isTransientStatus, SendError } from '../send-errors';
import { GraphFailure, scrubToken, type GraphErrorBody } from './graph';

/** Meta's message titles carry the code, `(#131047) Re-engagement message`: the view adds it once itself. */
function withoutCode(message: string): string {
  return message.replace(/^\(#\d+\)\s*/, '').trim();
}

/** Meta's words for the failure: the message, then `error_data.details` when it adds something. */
export function graphWords(graph: GraphErrorBody | undefined, token = ''): string | undefined {
  const message = graph?.message ? withoutCode(graph.message) : '';
  const details = graph?.details?.trim() ?? '';
  const words = details && details !== message ? (message ? `${message}: ${details}` : details) : message;
  return words ? scrubToken(words, token) : undefined;
}

function isTemplateCode(code: number | undefined): boolean {
  return code !== undefined && code >= 132000 && code <= 132999;
}

/** Whether an answer with this status and Graph error is final. */
export function isPermanentGraphError(status: number, graph: GraphErrorBody | undefined): boolean {
  const known = knownCode('meta', graph?.code);
  if (known?.permanent !== undefined) return known.permanent;
  if (isTemplateCode(graph?.code)) return true;
  // 0 is Graph's AuthException: the token was not accepted, as with 190.
  if (graph?.code === 0) return true;
  if (graph?.is_transient !== undefined) return !graph.is_transient;
  return !isTransientStatus(status);
}

/** An error answer (HTTP status + Graph's error) → SendError with `providerCode` = Meta's code. */
export function sendErrorFromGraph(status: number, graph: GraphErrorBody | undefined, token = '', cause?: unknown): SendError {
  const permanent = isPermanentGraphError(status, graph);
  const ambiguous = status >= 500 && !permanent;
  const providerCode = graph?.code;
  const fallback = permanent ? `Meta refused the message (HTTP ${status})` : `Meta could not take the message now (HTTP ${status}): it will be retried`;
  const said = graphWords(graph, token);
  // A known code has its plain reason in the catalogue: Meta's own text is the detail, without our preamble.
  const reason = knownCode('meta', providerCode) ? (said ?? fallback) : said ? `${fallback}: ${said}` : fallback;
  return new SendError({ permanent, ambiguous, reason, status, cause, ...(providerCode === undefined ? {} : { providerCode }) });
}

/** A request with no usable answer → SendError: refused is retried, anything after the request left is ambiguous. */
function sendErrorFromNoAnswer(failure: GraphFailure): SendError {
  switch (failure.kind) {
    case 'refused':
      return new SendError({ permanent: false, reason: `Could not reach Meta (${failure.networkCode ?? failure.message}): the message will be retried`, cause: failure });
    case 'timeout':
      return new SendError({
        permanent: false,
        ambiguous: true,
        reason: "Meta did not answer in time: the message will be checked against Meta's status webhooks, then retried if it did not go out",
        cause: failure,
      });
    default:
      return new SendError({
        permanent: false,
        ambiguous: true,
        reason: `Meta's answer was lost (${failure.networkCode ?? 'unreadable answer'}): the message will be checked against Meta's status webhooks, then retried if it did not go out`,
        cause: failure,
      });
  }
}

/** A GraphFailure from meta/graph → SendError. */
export function sendErrorFromFailure(failure: GraphFailure, token = ''): SendError {
  if (failure.kind === 'http') return sendErrorFromGraph(failure.status ?? 500, failure.graph, token, failure);
  return sendErrorFromNoAnswer(failure);
}

/**
 * Anything a Meta send threw → SendError (the provider's `classify`). SendError passes through; GraphFailure is read
 * as above; anything else is ambiguous, because not knowing what happened is the definition of it.
 */
export function classifyMetaError(error: unknown, token = ''): SendError {
  if (error instanceof SendError) return error;
  if (error instanceof GraphFailure) return sendErrorFromFailure(error, token);
  const message = scrubToken(error instanceof Error ? error.message : String(error), token);
  return new SendError({ permanent: false, ambiguous: true, reason: `Unexpected error while sending through Meta: ${message}`, cause: error });
}
