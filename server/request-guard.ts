/**
 * @module server/request-guard — what every route may assume about a request, checked once before any route sees it:
 * a body within its size limit (refused from Content-Length before reading, or while reading without it), a path
 * and query that percent-decode, and a parsed body that Elysia's validation can describe.
 */
import { Elysia } from 'elysia';
import { assertParsableUrl, BadRequestError, MalformedUrlError, PayloadTooLargeError } from './errors';

export interface BodyLimits {
  /** Bytes any route accepts. */
  max: number;
  /** Larger (or smaller) limits by route pattern, e.g. `'/dev/phone/messages'`. */
  routes?: Record<string, number>;
  /**
   * Routes (`parse: 'none'`) that read their own body with readCapped, after checks of their own (a webhook's
   * signature header): a chunked body is left to them, never buffered here first. A declared length is still checked.
   */
  selfRead?: readonly string[];
}

/** The Content-Length header as a number; undefined when absent (a chunked body), 400 when it is not a length. */
export function declaredLength(request: Request): number | undefined {
  const header = request.headers.get('content-length');
  if (header === null) return undefined;
  if (!/^\d{1,15}$/.test(header.trim())) throw new BadRequestError('Content-Length is not a number of bytes.', 'Content-Length');
  return Number(header);
}

/** Chunked bodies the guard has already read (it runs before a `parse: 'none'` route's own readCapped). */
const buffered = new WeakMap<Request, Uint8Array<ArrayBuffer>>();

/** Reads the body into memory, refused past `max` bytes before reading (declared) or as soon as the count passes it (chunked). */
export async function readCapped(request: Request, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const already = buffered.get(request);
  if (already) {
    if (already.byteLength > max) throw new PayloadTooLargeError(max);
    return already;
  }
  const declared = declaredLength(request);
  if (declared !== undefined && declared > max) throw new PayloadTooLargeError(max);
  if (!request.body) return new Uint8Array(0);
  if (declared !== undefined) {
    // HTTP framing holds a body to its Content-Length, so reading it whole is safe; the check below is for callers that build Requests by hand.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > max) throw new PayloadTooLargeError(max);
    return bytes;
  }
  return readStreamCapped(request.body, max);
}

/** Every byte of `body`, read no further than `max`: past it the stream is cancelled and PayloadTooLargeError thrown. */
export async function readStreamCapped(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(max);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Elysia's own parsers call `request.json()`, `.text()`, `.formData()`… on the context's request. For a chunked
 * body the capped bytes are read first and those methods are shadowed on this one request to answer from them,
 * so Elysia parses exactly as usual and the request object stays the one Bun gave us (requestIP needs it).
 */
async function bufferCapped(request: Request, max: number): Promise<void> {
  const bytes = await readStreamCapped(request.body!, max);
  buffered.set(request, bytes);
  const type = request.headers.get('content-type');
  const copy = () => new Response(bytes, { headers: type ? { 'content-type': type } : {} });
  for (const method of ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text'] as const) {
    Object.defineProperty(request, method, { value: () => copy()[method](), configurable: true });
  }
}

/**
 * Throws MalformedUrlError when the path or query of `url` does not percent-decode. Elysia turns such a parameter
 * into null (a confusing 404 or 422 later) and a handler's own decodeURIComponent into a URIError.
 */
export function assertWellEncoded(url: string): void {
  const percent = url.indexOf('%');
  if (percent === -1) return;
  const hash = url.indexOf('#');
  try {
    decodeURIComponent(hash === -1 ? url.slice(percent) : url.slice(percent, hash));
  } catch {
    throw new MalformedUrlError();
  }
}

/** Deeper than any body a client of ours sends; deep enough nesting overflows the stack of whoever walks it. */
export const MAX_BODY_DEPTH = 32;

/**
 * A parsed body (JSON, or a multipart field Elysia parsed as JSON) is refused when nested past MAX_BODY_DEPTH or when
 * an object has its own `toString`: Elysia's validation error formats the offending value with `${value}`, and such
 * an object cannot be formatted, so a 422 became a 500. No client of ours sends either.
 */
export function assertPlainBody(body: unknown): void {
  if (body === null || typeof body !== 'object' || body instanceof Blob) return;
  const pending: [object, number][] = [[body, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, depth] = next;
    if (depth > MAX_BODY_DEPTH) throw new BadRequestError(`The body is nested deeper than ${MAX_BODY_DEPTH} levels.`);
    if (!Array.isArray(value) && Object.hasOwn(value, 'toString')) throw new BadRequestError('The body has an object with a "toString" key, which no field here accepts.');
    for (const child of Object.values(value)) if (child !== null && typeof child === 'object' && !(child instanceof Blob)) pending.push([child, depth + 1]);
  }
}

/**
 * The guard as an Elysia plugin, global: register it before the routes it covers. The size check covers every
 * route whose body Elysia parses; routes with `parse: 'none'` read their body themselves through readCapped.
 */
export function requestGuard(limits: BodyLimits) {
  const selfRead = new Set(limits.selfRead ?? []);
  return (
    new Elysia({ name: 'request-guard' })
      // Elysia reads `parse: 'none'` as "no body" only while it is a route's sole parse hook; next to this global
      // hook it becomes a lookup of a parser named 'none'. This one keeps the meaning: no body (null), nothing read.
      .parser('none', function noBody() {
        return null;
      })
      .onParse({ as: 'global' }, async function limitBody({ request, route }) {
        const max = limits.routes?.[route] ?? limits.max;
        const declared = declaredLength(request);
        if (declared !== undefined) {
          if (declared > max) throw new PayloadTooLargeError(max);
          return;
        }
        if (request.body && !selfRead.has(route)) await bufferCapped(request, max);
      })
      // Transform runs after parsing and before validation, on every matched route, GETs included.
      .onTransform({ as: 'global' }, function checkInput({ request, body }) {
        assertParsableUrl(request.url);
        assertWellEncoded(request.url);
        assertPlainBody(body);
      })
  );
}
