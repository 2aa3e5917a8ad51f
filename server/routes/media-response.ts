/**
 * @module server/routes/media-response — how GET /media/:id answers with a stored file: photos, stickers, voice notes
 * and videos inline with their type and HTTP range requests (RFC 9110 §14: 206 with Content-Range, 416 for a range
 * that is malformed or past the end), so players can seek; any other file — documents, SVG, HTML, anything a browser
 * would run — as an attachment under the name she gave it (RFC 6266 `filename*`), never sniffed, never inline.
 */
import { safeFileName } from '../../actors/conversation/message-kinds';

/** Types shown in the page (an <img>, an <audio>, a <video>); SVG is an image that can hold script, so it is a file. */
export function servedInline(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'image/svg+xml') return false;
  return /^(image|audio|video)\/[a-z0-9.+-]+$/.test(type);
}

/** One range of bytes, both ends included. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range a `Range` header asks of `size` bytes: undefined for no header, a unit other than bytes or several ranges
 * (the whole file is sent: RFC 9110 lets a server ignore them), 'unsatisfiable' for a malformed bytes range or one
 * that starts past the end.
 */
export function byteRange(header: string | null | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return undefined;
  const specs = match[1]!.split(',');
  if (specs.length > 1) return undefined;
  const spec = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(specs[0]!);
  if (!spec || (spec[1] === '' && spec[2] === '')) return 'unsatisfiable';
  if (spec[1] === '') {
    // A suffix: the last N bytes.
    const length = Number(spec[2]);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(spec[1]);
  // A last position before the first makes the range-spec invalid, and an invalid Range is ignored (RFC 9110 §14.1.1, §14.2).
  if (spec[2] !== '' && Number(spec[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: spec[2] === '' ? size - 1 : Math.min(Number(spec[2]), size - 1) };
}

/** `attachment` under her file's name: an ASCII fallback for old clients and the exact name as UTF-8 (RFC 6266, RFC 8187). */
export function attachmentDisposition(fileName: string | undefined, fallback: string): string {
  const name = safeFileName(fileName) || fallback;
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The response for a stored file's bytes, asked with `range` (the request's Range header). */
export function mediaResponse(bytes: Uint8Array, contentType: string, options: { range?: string | null; fileName?: string; fallbackName: string }): Response {
  const inline = servedInline(contentType);
  const headers: Record<string, string> = {
    'content-type': inline ? contentType : contentType || 'application/octet-stream',
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'content-disposition': inline ? 'inline' : attachmentDisposition(options.fileName, options.fallbackName),
    'accept-ranges': 'bytes',
  };
  const range = byteRange(options.range, bytes.byteLength);
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${bytes.byteLength}` } });
  if (!range) return new Response(bytes as Uint8Array<ArrayBuffer>, { headers });
  const part = bytes.subarray(range.start, range.end + 1) as Uint8Array<ArrayBuffer>;
  return new Response(part, { status: 206, headers: { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${bytes.byteLength}` } });
}
