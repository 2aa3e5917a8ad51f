/** @module server/forms/http — response and request helpers shared by the form page and the form webhook. */
import { AppError } from '../errors';

/** The form's pages carry personal data and a bearer token in the URL: no caching, no framing, no referrer. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export async function page(body: string | Promise<string>, status = 200, headers: Record<string, string> = {}): Promise<Response> {
  return new Response(await body, { status, headers: { ...PAGE_HEADERS, ...headers } });
}

export class PayloadTooLargeError extends AppError {
  override readonly code = 'PAYLOAD_TOO_LARGE' as const;
  constructor(max: number) {
    super('PAYLOAD_TOO_LARGE', 413, `The body is larger than ${max} bytes.`);
  }
}

/** The raw body, refused past `max` bytes whether or not Content-Length tells the truth. */
export async function readBody(request: Request, max: number): Promise<string> {
  if (Number(request.headers.get('content-length') ?? 0) > max) throw new PayloadTooLargeError(max);
  const text = await request.text();
  if (Buffer.byteLength(text) > max) throw new PayloadTooLargeError(max);
  return text;
}

/** Form posts arrive urlencoded (a plain browser) or multipart (htmx sends FormData). */
export async function readForm(request: Request, max: number): Promise<FormData | URLSearchParams> {
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    if (Number(request.headers.get('content-length') ?? 0) > max) throw new PayloadTooLargeError(max);
    const bytes = await request.arrayBuffer();
    if (bytes.byteLength > max) throw new PayloadTooLargeError(max);
    return new Response(bytes, { headers: { 'content-type': type } }).formData();
  }
  return new URLSearchParams(await readBody(request, max));
}

interface SocketServer {
  requestIP(request: Request): { address: string } | null;
}

/**
 * The client's address: the socket's, or — only behind a proxy we trust — the last X-Forwarded-For
 * entry, the one our proxy appended (earlier entries are whatever the client chose to send).
 */
export function clientIp(request: Request, server: SocketServer | null | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',').map((part) => part.trim()).filter(Boolean);
    const last = forwarded?.at(-1);
    if (last) return last;
  }
  return server?.requestIP(request)?.address ?? 'unknown';
}
