/** @module server/errors — domain errors and the one place that maps any error to an HTTP response. */
import { isUnavailable } from './db/unavailable';
import type { Logger } from './logger';
import { SECURITY_HEADERS } from './routes/html';
import { localeFromAcceptLanguage, translator, type MessageKey } from '../views/i18n';

/** An error a client may see: a code, a status, and a message that says what to do. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Structured detail a client can act on (e.g. each problem of a bot script). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class NotFoundError extends AppError {
  constructor(what = 'That page or resource') {
    super('NOT_FOUND', 404, `${what} does not exist.`);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do that.') {
    super('FORBIDDEN', 403, message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in first.') {
    super('UNAUTHORIZED', 401, message);
  }
}

export class BadRequestError extends AppError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super('BAD_REQUEST', 400, message);
  }
}

/** 503: a dependency the request needs (the database) is unreachable; the client should try again. */
export class ServiceUnavailableError extends AppError {
  override readonly code = 'SERVICE_UNAVAILABLE' as const;
  readonly unavailable = true;
  constructor(message = 'The database is unreachable right now; try again in a moment.') {
    super('SERVICE_UNAVAILABLE', 503, message);
  }
}

/** A body past the route's size limit: refused from Content-Length before reading, or while reading. */
export class PayloadTooLargeError extends AppError {
  override readonly code = 'PAYLOAD_TOO_LARGE' as const;
  constructor(max: number) {
    super('PAYLOAD_TOO_LARGE', 413, `The body is larger than ${max} bytes.`);
  }
}

/** A `%` in the path or query that is not a valid UTF-8 percent-encoding (`%25` alone, `%E0%A4`, `%zz`). */
export class MalformedUrlError extends AppError {
  override readonly code = 'MALFORMED_URL' as const;
  constructor() {
    super('MALFORMED_URL', 400, 'The address has a malformed percent-encoding (a % that is not followed by valid UTF-8 hex codes); fix the link and try again.');
  }
}

export interface ErrorBody {
  status: number;
  code: string;
  message: string;
  field?: string;
  details?: unknown;
}

interface ValidationLike {
  all?: { path?: string; message?: string; summary?: string }[];
  type?: string;
}

function describeValidation(error: unknown): string {
  const first = (error as ValidationLike).all?.[0];
  const where = (error as ValidationLike).type ?? 'request';
  if (!first) return `The ${where} is not valid.`;
  const path = first.path?.replace(/^\//, '').replaceAll('/', '.') || where;
  return `${path}: ${first.summary ?? first.message ?? 'invalid value'}`;
}

/** Elysia's error codes and our AppErrors → status, code and a safe message; anything else is a 500. */
export function toErrorBody(code: string | number, error: unknown): ErrorBody {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, message: error.message, field: (error as BadRequestError).field, details: error.details };
  }
  // Elysia wraps whatever a parse hook throws (the body-size guard's 413 among them) in its ParseError.
  if (code === 'PARSE' && (error as Error).cause instanceof AppError) return toErrorBody('UNKNOWN', (error as Error).cause);
  // The database (or blob store) is unreachable: a 503 that says so, not a 500 that blames us.
  if (isUnavailable(error)) return toErrorBody('UNKNOWN', new ServiceUnavailableError());
  // Only decodeURIComponent and its kin throw URIError: bad percent-encoding the client sent.
  if (error instanceof URIError) return toErrorBody('UNKNOWN', new MalformedUrlError());
  switch (code) {
    case 'NOT_FOUND':
      return { status: 404, code: 'NOT_FOUND', message: 'That page or resource does not exist.' };
    case 'VALIDATION':
      return { status: 422, code: 'VALIDATION', message: describeValidation(error) };
    case 'PARSE':
      return { status: 400, code: 'BAD_REQUEST', message: 'The request body could not be parsed.' };
    case 'INVALID_COOKIE_SIGNATURE':
      return { status: 401, code: 'UNAUTHORIZED', message: 'Your session is not valid; sign in again.' };
    default:
      return { status: 500, code: 'INTERNAL', message: 'Something went wrong on our side. Try again; if it keeps happening, tell an admin.' };
  }
}

function wantsHtml(request: Request): boolean {
  const accept = request.headers.get('accept') ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
}

/** What a person reads for an error: one sentence per kind (the API's messages stay for programs and the CLI). */
function pageMessage(body: ErrorBody): MessageKey {
  if (body.code === 'CSRF_INVALID') return 'errorPage.csrf';
  if (body.status === 404) return 'errorPage.notFound';
  if (body.status === 403) return 'errorPage.forbidden';
  if (body.status === 401) return 'errorPage.unauthorized';
  if (body.status === 413) return 'errorPage.tooLarge';
  if (body.status === 503) return 'errorPage.unavailable';
  if (body.status >= 500) return 'errorPage.internal';
  return 'errorPage.invalid';
}

/**
 * The error as JSON ({ error: { code, message, … } }), or as a small HTML page for a browser, in the browser's
 * language (Accept-Language: the signed-in user's own is not known this far out).
 */
export function errorResponse(request: Request, body: ErrorBody): Response {
  if (wantsHtml(request)) {
    const { t, locale } = translator(localeFromAcceptLanguage(request.headers.get('accept-language')));
    const html =
      `<!doctype html><html lang="${locale}"><meta charset="utf-8"><title>${body.status}</title><link rel="stylesheet" href="/assets/app.css">` +
      `<main class="error-page"><h1>${body.status}</h1><p>${Bun.escapeHTML(t(pageMessage(body)))}</p><p><a href="/">${Bun.escapeHTML(t('errorPage.back'))}</a></p></main></html>`;
    // Its words depend on the request's Accept and Accept-Language: never cached, and said to vary on both.
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', vary: 'Accept, Accept-Language', ...SECURITY_HEADERS };
    return new Response(html, { status: body.status, headers });
  }
  const extra = { ...(body.field ? { field: body.field } : {}), ...(body.details === undefined ? {} : { details: body.details }) };
  return Response.json({ error: { code: body.code, message: body.message, ...extra } }, { status: body.status });
}

/** A request whose URL cannot be parsed: a missing or malformed Host header (`Host: a b`, `[`, HTTP/1.0 without one). */
export class BadHostError extends AppError {
  override readonly code = 'BAD_HOST' as const;
  constructor() {
    super('BAD_HOST', 400, 'The Host header is missing or malformed.');
  }
}

/** Refuses a request whose URL does not parse (see BadHostError) before any handler builds a URL from it. */
export function assertParsableUrl(url: string): void {
  if (!URL.canParse(url)) throw new BadHostError();
}

/** Logs what a client must not see (the 500's cause) and answers with the safe body. Never throws. */
export function handleError(logger: Logger, request: Request, code: string | number, error: unknown): Response {
  const body = toErrorBody(code, error);
  const path = URL.parse(request.url)?.pathname ?? '(unparsable URL)';
  // A 503 is an outage the operator already sees (/readyz, metrics): a warning per request, not an error.
  if (body.status === 503) logger.warn('request refused: a dependency is unavailable', { err: error as Error, path });
  else if (body.status >= 500) logger.error('request failed', { err: error as Error, path });
  return errorResponse(request, body);
}
