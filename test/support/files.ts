/**
 * @module test/support/files — small real files for the media worker to sniff: a photo, a sticker, a voice note, a
 * CV as .docx and a contact card, each with the bytes its format starts with (what file-type reads).
 */
const ascii = (text: string) => [...new TextEncoder().encode(text)];
const le16 = (n: number) => [n & 255, (n >> 8) & 255];
const le32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];
const bytes = (...parts: (number[] | string)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? ascii(p) : p)));

/** A real 1×1 PNG. */
export const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
/** A JPEG's JFIF header and end marker. */
export const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0], [0xff, 0xd9]);
/** A WebP, as WhatsApp stickers are. */
export const WEBP = bytes('RIFF', le32(26), 'WEBP', 'VP8 ', le32(14), new Array<number>(14).fill(0));
/** An Ogg Opus header, as WhatsApp voice notes are. */
export const OGG_OPUS = bytes('OggS', [0, 2], new Array<number>(20).fill(0), [1, 19], 'OpusHead', [1, 1, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0]);

/** A zip of stored entries, as office files are. */
function zip(entries: [string, string][]): Uint8Array {
  return bytes(
    ...entries.flatMap(([name, data]) => [
      [
        0x50,
        0x4b,
        3,
        4,
        ...le16(20),
        ...new Array<number>(8).fill(0),
        ...le32(Bun.hash.crc32(bytes(data))),
        ...le32(ascii(data).length),
        ...le32(ascii(data).length),
        ...le16(ascii(name).length),
        ...le16(0),
      ],
      name,
      data,
    ]),
  );
}

/** A CV as .docx. */
export const DOCX = zip([
  ['[Content_Types].xml', '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
  ['word/document.xml', '<w:document/>'],
]);
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A shared contact, as Twilio delivers it (text/vcard). */
export const VCARD = bytes('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Gómez\r\nTEL;TYPE=CELL:+57 300 555 0101\r\nEND:VCARD\r\n');
