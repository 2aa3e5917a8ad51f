/** @module server/routes/media-response.test — inline or attachment by type, byte ranges (206, 416), RFC 6266 file names. */
import { describe, expect, test } from 'bun:test';
import { safeFileName } from '../../actors/conversation/message-kinds';
import { attachmentDisposition, byteRange, mediaResponse, servedInline } from './media-response';

describe('servedInline', () => {
  test('photos, stickers, audio and video inline; SVG, HTML, documents and no type as files', () => {
    for (const type of ['image/jpeg', 'image/webp', 'audio/ogg; codecs=opus', 'video/mp4', 'VIDEO/WEBM']) expect({ type, inline: servedInline(type) }).toEqual({ type, inline: true });
    for (const type of ['image/svg+xml', 'text/html', 'application/pdf', 'text/vcard', 'application/xhtml+xml', '', 'image/'])
      expect({ type, inline: servedInline(type) }).toEqual({ type, inline: false });
  });
});

describe('byteRange', () => {
  test('a first, middle, open and suffix range, cut to the end', () => {
    expect(byteRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(byteRange('bytes=2-5', 10)).toEqual({ start: 2, end: 5 });
    expect(byteRange('bytes=4-', 10)).toEqual({ start: 4, end: 9 });
    expect(byteRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(byteRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
    expect(byteRange('bytes=8-99', 10)).toEqual({ start: 8, end: 9 });
  });

  test('no header, another unit, several ranges or an invalid one (its last byte before its first): the whole file', () => {
    expect(byteRange('bytes=5-2', 10)).toBeUndefined();
    expect(byteRange(undefined, 10)).toBeUndefined();
    expect(byteRange('items=0-1', 10)).toBeUndefined();
    expect(byteRange('bytes=0-1, 4-5', 10)).toBeUndefined();
  });

  test('past the end, empty or malformed: unsatisfiable', () => {
    for (const header of ['bytes=10-', 'bytes=10-20', 'bytes=-0', 'bytes=-', 'bytes=a-b', 'bytes=1-2-3']) expect({ header, range: byteRange(header, 10) }).toEqual({ header, range: 'unsatisfiable' });
    expect(byteRange('bytes=-5', 0)).toBe('unsatisfiable');
  });
});

describe('attachmentDisposition', () => {
  test('an ASCII fallback and the exact UTF-8 name', () => {
    expect(attachmentDisposition('Hoja de vida Valentina (2).docx', 'x')).toBe(`attachment; filename="Hoja de vida Valentina (2).docx"; filename*=UTF-8''Hoja%20de%20vida%20Valentina%20%282%29.docx`);
    expect(attachmentDisposition('Currículum "Ñ".pdf', 'x')).toBe(`attachment; filename="Curr_culum ___.pdf"; filename*=UTF-8''Curr%C3%ADculum%20%22%C3%91%22.pdf`);
  });

  test('characters that reorder text are removed: "CV\u202Efdp.exe" cannot pass for a PDF', () => {
    expect(attachmentDisposition('CV Valentina\u202Efdp.exe', 'x')).toBe(`attachment; filename="CV Valentinafdp.exe"; filename*=UTF-8''CV%20Valentinafdp.exe`);
    expect(safeFileName('\u2067a\u2069.pdf\u200e')).toBe('a.pdf');
  });

  test('no name, or one that is only a path or control characters: the fallback', () => {
    expect(attachmentDisposition(undefined, 'media-7')).toBe(`attachment; filename="media-7"; filename*=UTF-8''media-7`);
    expect(attachmentDisposition('../\r\n', 'media-7')).toBe(`attachment; filename=".."; filename*=UTF-8''..`);
  });
});

describe('mediaResponse', () => {
  const bytes = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  test('a range of a video: 206 with its bytes and Content-Range', async () => {
    const response = mediaResponse(bytes, 'video/mp4', { range: 'bytes=2-4', fallbackName: 'media-1' });
    expect(response.status).toBe(206);
    expect(response.headers.toJSON()).toMatchObject({ 'content-range': 'bytes 2-4/10', 'accept-ranges': 'bytes', 'content-type': 'video/mp4', 'content-disposition': 'inline' });
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([2, 3, 4]);
  });

  test('a range past the end: 416 with the size', () => {
    const response = mediaResponse(bytes, 'audio/ogg', { range: 'bytes=10-', fallbackName: 'media-1' });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */10');
  });

  test('an SVG is a file to download, never sniffed', async () => {
    const response = mediaResponse(bytes, 'image/svg+xml', { fileName: 'logo.svg', fallbackName: 'media-1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toStartWith('attachment; filename="logo.svg"');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await response.arrayBuffer()).byteLength).toBe(10);
  });
});
