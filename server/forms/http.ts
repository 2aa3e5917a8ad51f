/** @module server/forms/http — response and request helpers shared by the form page and the form webhook. */
import { readCapped } from '../request-guard';
import { BadRequestError } from '../errors';
import { SECURITY_HEADERS } from '../routes/html';

/** The form's pages carry personal data and a bearer token in the URL: no caching, no framing, no referrer. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  ...SECURITY_HEADERS,
  'referrer-policy': 'no-referrer',
};

/** A form page response with PAGE_HEADERS. */
export async function page(body: string | Promise<string>, status = 200, headers: Record<string, string> = {}): Promise<Response> {
  return new Response(await body, { status, headers: { ...PAGE_HEADERS, ...headers } });
}

/** The raw body as text, refused past `max` bytes whether or not Content-Length tells the truth (or is there at all). */
export async function readBody(request: Request, max: number): Promise<string> {
  return new TextDecoder().decode(await readCapped(request, max));
}

/** Form posts arrive urlencoded (a plain browser) or multipart (htmx sends FormData). */
export async function readForm(request: Request, max: number): Promise<FormData | URLSearchParams> {
  const type = request.headers.get('content-type') ?? '';
  const bytes = await readCapped(request, max);
  if (type.startsWith('multipart/form-data')) {
    try {
      return await new Response(bytes, { headers: { 'content-type': type } }).formData();
    } catch {
      throw new BadRequestError('The multipart body could not be read (no boundary, or a broken part); send the form again.');
    }
  }
  return new URLSearchParams(new TextDecoder().decode(bytes));
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
    const forwarded = request.headers
      .get('x-forwarded-for')
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const last = forwarded?.at(-1);
    if (last) return last;
  }
  return server?.requestIP(request)?.address ?? 'unknown';
}
