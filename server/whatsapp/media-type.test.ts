/** @module server/whatsapp/media-type.test — real file headers built here: allowed types pass, disguised files do not. */
import { describe, expect, test } from 'bun:test';
import { type DetectedMediaType, detectMediaType, documentType } from './media-type';

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const u32be = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u32le = (n: number) => u32be(n).reverse();
const pad = (n: number) => new Array<number>(n).fill(0);
const file = (...parts: (number[] | string)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? ascii(p) : p)));

function pngChunk(type: string, data: number[]): number[] {
  const body = [...ascii(type), ...data];
  return [...u32be(data.length), ...body, ...u32be(Bun.hash.crc32(Uint8Array.from(body)))];
}

/** A complete 1×1 greyscale PNG, minus the image data nobody reads here. */
const PNG = file([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], pngChunk('IHDR', [...u32be(1), ...u32be(1), 8, 0, 0, 0, 0]), pngChunk('IEND', []));
const JPEG = file([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0], [0xff, 0xd9]);
const GIF = file('GIF89a', [1, 0, 1, 0, 0, 0, 0], ',', pad(9), ';');
const WEBP = file('RIFF', u32le(26), 'WEBP', 'VP8 ', u32le(14), pad(14));
const ftyp = (brand: string, ...compatible: string[]) => file(u32be(16 + 4 * compatible.length), 'ftyp', brand, pad(4), ...compatible, u32be(8), 'free');
const OGG_OPUS = file('OggS', [0, 2], pad(20), [1, 19], 'OpusHead', [1, 1, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0]);
const OGG_VORBIS = file('OggS', [0, 2], pad(20), [1, 30], [1], 'vorbis', pad(23));
const MP3 = file([0xff, 0xfb, 0x90, 0x64], pad(413), [0xff, 0xfb, 0x90, 0x64], pad(413));
const AAC = file([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc], pad(9), [0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc], pad(9));
const AMR = file('#!AMR\n', [0x3c], pad(31));
const WAV = file('RIFF', u32le(36), 'WAVE', 'fmt ', u32le(16), [1, 0, 1, 0], u32le(8000), u32le(8000), [1, 0, 8, 0], 'data', u32le(0));
const PDF = file('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

const ACCEPTED: [string, Uint8Array, DetectedMediaType][] = [
  ['png', PNG, { mime: 'image/png', kind: 'image', ext: 'png' }],
  ['jpeg', JPEG, { mime: 'image/jpeg', kind: 'image', ext: 'jpg' }],
  ['gif', GIF, { mime: 'image/gif', kind: 'image', ext: 'gif' }],
  ['webp', WEBP, { mime: 'image/webp', kind: 'image', ext: 'webp' }],
  ['heic', ftyp('heic', 'mif1', 'heic'), { mime: 'image/heic', kind: 'image', ext: 'heic' }],
  ['heif', ftyp('mif1', 'mif1'), { mime: 'image/heif', kind: 'image', ext: 'heif' }],
  ['mp4', ftyp('isom', 'isom', 'iso2', 'mp41'), { mime: 'video/mp4', kind: 'video', ext: 'mp4' }],
  ['3gp', ftyp('3gp4', '3gp4', 'isom'), { mime: 'video/3gpp', kind: 'video', ext: '3gp' }],
  ['quicktime', ftyp('qt  ', 'qt  '), { mime: 'video/quicktime', kind: 'video', ext: 'mov' }],
  ['m4a', ftyp('M4A ', 'M4A ', 'isom'), { mime: 'audio/mp4', kind: 'audio', ext: 'm4a' }],
  ['ogg opus', OGG_OPUS, { mime: 'audio/ogg', kind: 'audio', ext: 'ogg' }],
  ['ogg vorbis', OGG_VORBIS, { mime: 'audio/ogg', kind: 'audio', ext: 'ogg' }],
  ['mp3', MP3, { mime: 'audio/mpeg', kind: 'audio', ext: 'mp3' }],
  ['aac', AAC, { mime: 'audio/aac', kind: 'audio', ext: 'aac' }],
  ['amr', AMR, { mime: 'audio/amr', kind: 'audio', ext: 'amr' }],
  ['wav', WAV, { mime: 'audio/wav', kind: 'audio', ext: 'wav' }],
  ['pdf', PDF, { mime: 'application/pdf', kind: 'document', ext: 'pdf' }],
];

describe('detectMediaType', () => {
  test.each(ACCEPTED)('accepts %s by its bytes', async (_name, bytes, expected) => {
    expect(await detectMediaType(bytes)).toEqual(expected);
  });

  test('the bytes win over the declared type', async () => {
    expect(await detectMediaType(PDF, 'image/jpeg')).toEqual({ mime: 'application/pdf', kind: 'document', ext: 'pdf' });
    expect(await detectMediaType(PNG, 'application/octet-stream')).toEqual({ mime: 'image/png', kind: 'image', ext: 'png' });
  });

  test('an MP4 container declared as audio is stored as M4A audio', async () => {
    const mp4 = ftyp('isom', 'isom', 'mp42');
    expect(await detectMediaType(mp4, 'audio/mp4')).toEqual({ mime: 'audio/mp4', kind: 'audio', ext: 'm4a' });
    expect(await detectMediaType(mp4, 'video/mp4')).toEqual({ mime: 'video/mp4', kind: 'video', ext: 'mp4' });
  });

  test.each([
    ['an HTML page', file('<!doctype html><html><body><script>alert(1)</script></body></html>')],
    ['an SVG with a script', file('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['a Windows executable', file('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff], pad(46), u32le(64), 'PE\0\0', pad(64))],
    ['an ELF binary', file([0x7f], 'ELF', [2, 1, 1], pad(57))],
    ['a zip archive', file('PK', [3, 4, 20, 0], pad(24), 'evil.exe')],
    ['an Ogg video', file('OggS', [0, 2], pad(20), [1, 42], [0x80], 'theora', pad(40))],
    ['an empty file', new Uint8Array()],
    ['random text', file('hello, this is just a caption')],
  ])('refuses %s even when it claims to be image/jpeg', async (_name, bytes) => {
    expect(await detectMediaType(bytes, 'image/jpeg')).toBeNull();
  });
});

/** A zip of stored (uncompressed) entries, as office files are: enough for file-type to tell which one it is. */
function zip(entries: [string, string][]): Uint8Array {
  const le16 = (n: number) => [n & 255, (n >> 8) & 255];
  return file(
    ...entries.flatMap(([name, data]) => [
      [0x50, 0x4b, 3, 4, ...le16(20), ...pad(8), ...u32le(Bun.hash.crc32(file(data))), ...u32le(data.length), ...u32le(data.length), ...le16(name.length), ...le16(0)],
      name,
      data,
    ]),
  );
}

const DOCX = zip([
  ['[Content_Types].xml', '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
  ['word/document.xml', '<w:document/>'],
]);
const XLSX = zip([
  ['[Content_Types].xml', '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'],
  ['xl/workbook.xml', '<workbook/>'],
]);
const ODT = zip([['mimetype', 'application/vnd.oasis.opendocument.text']]);
const VCARD = file('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Gómez\r\nTEL;TYPE=CELL:+57 300 555 0101\r\nEND:VCARD\r\n');

describe('documentType: any other file is kept as a download', () => {
  test.each([
    ['a .docx', DOCX, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' }],
    ['an .xlsx', XLSX, 'application/octet-stream', { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' }],
    ['an .odt', ODT, 'application/vnd.oasis.opendocument.text', { mime: 'application/vnd.oasis.opendocument.text', ext: 'odt' }],
    ['a contact card', VCARD, 'text/vcard', { mime: 'text/vcard', ext: 'vcf' }],
    ['a text note', file('Mi hoja de vida: modelo desde 2020'), 'text/plain', { mime: 'text/plain', ext: 'txt' }],
  ])('%s keeps its type by its bytes', async (_name, bytes, declared, expected) => {
    expect(await detectMediaType(bytes, declared)).toBeNull();
    expect(await documentType(bytes, declared)).toEqual({ ...expected, kind: 'document' });
  });

  test.each([
    ['an HTML page declared image/jpeg', file('<!doctype html><html><body><script>alert(1)</script></body></html>'), 'image/jpeg'],
    ['an HTML page declared text/html', file('<!doctype html><html><body><script>alert(1)</script></body></html>'), 'text/html'],
    ['an SVG', file('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml'],
    ['a Windows executable', file('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff], pad(46), u32le(64), 'PE\0\0', pad(64)), 'application/pdf'],
    ['binary declared as text', file([0, 1, 2, 3, 0xff, 0xfe]), 'text/plain'],
  ])('%s is an opaque download, never what it claims', async (_name, bytes, declared) => {
    expect(await documentType(bytes, declared)).toEqual({ mime: 'application/octet-stream', kind: 'document', ext: 'bin' });
  });
});
