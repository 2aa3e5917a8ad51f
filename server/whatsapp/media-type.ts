/** @module server/whatsapp/media-type — what a downloaded file really is, judged by its bytes; only WhatsApp's media types pass. */
import { fileTypeFromBuffer } from 'file-type';
import type { MediaKind } from '../../actors/vocabulary';

export interface DetectedMediaType {
  /** The type to store and serve: normalised, never the sender's claim. */
  mime: string;
  kind: MediaKind;
  ext: string;
}

/** file-type's answer (mime) → what we store. Anything not listed is refused. */
const ALLOWED: Record<string, DetectedMediaType> = {
  'image/jpeg': { mime: 'image/jpeg', kind: 'image', ext: 'jpg' },
  'image/png': { mime: 'image/png', kind: 'image', ext: 'png' },
  'image/webp': { mime: 'image/webp', kind: 'image', ext: 'webp' },
  'image/gif': { mime: 'image/gif', kind: 'image', ext: 'gif' },
  'image/heic': { mime: 'image/heic', kind: 'image', ext: 'heic' },
  'image/heic-sequence': { mime: 'image/heic', kind: 'image', ext: 'heic' },
  'image/heif': { mime: 'image/heif', kind: 'image', ext: 'heif' },
  'image/heif-sequence': { mime: 'image/heif', kind: 'image', ext: 'heif' },
  'video/mp4': { mime: 'video/mp4', kind: 'video', ext: 'mp4' },
  'video/3gpp': { mime: 'video/3gpp', kind: 'video', ext: '3gp' },
  'video/quicktime': { mime: 'video/quicktime', kind: 'video', ext: 'mov' },
  // WhatsApp voice notes are Opus in Ogg; browsers play them as audio/ogg.
  'audio/ogg; codecs=opus': { mime: 'audio/ogg', kind: 'audio', ext: 'ogg' },
  'audio/ogg': { mime: 'audio/ogg', kind: 'audio', ext: 'ogg' },
  'audio/mpeg': { mime: 'audio/mpeg', kind: 'audio', ext: 'mp3' },
  'audio/aac': { mime: 'audio/aac', kind: 'audio', ext: 'aac' },
  'audio/amr': { mime: 'audio/amr', kind: 'audio', ext: 'amr' },
  'audio/x-m4a': { mime: 'audio/mp4', kind: 'audio', ext: 'm4a' },
  'audio/mp4': { mime: 'audio/mp4', kind: 'audio', ext: 'm4a' },
  'audio/wav': { mime: 'audio/wav', kind: 'audio', ext: 'wav' },
  'application/pdf': { mime: 'application/pdf', kind: 'document', ext: 'pdf' },
};

const M4A: DetectedMediaType = { mime: 'audio/mp4', kind: 'audio', ext: 'm4a' };

function baseType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Sniffs the bytes and returns the allowed type they really are, or null (HTML, executables, archives…).
 * The declared type only settles what the bytes cannot: an MP4 container announced as audio is an M4A.
 */
export async function detectMediaType(bytes: Uint8Array, declared?: string): Promise<DetectedMediaType | null> {
  const sniffed = await fileTypeFromBuffer(bytes);
  if (!sniffed) return null;
  const type = ALLOWED[sniffed.mime];
  if (!type) return null;
  if (type.mime === 'video/mp4' && baseType(declared).startsWith('audio/')) return { ...M4A };
  return { ...type };
}

/**
 * Documents kept under their own type when the bytes say so (file-type's answer → what we store); they are served as
 * downloads only (`Content-Disposition: attachment`, `nosniff`), never shown inline.
 */
const DOCUMENTS: Record<string, { mime: string; ext: string }> = {
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', ext: 'pptx' },
  'application/vnd.oasis.opendocument.text': { mime: 'application/vnd.oasis.opendocument.text', ext: 'odt' },
  'application/vnd.oasis.opendocument.spreadsheet': { mime: 'application/vnd.oasis.opendocument.spreadsheet', ext: 'ods' },
  'application/vnd.oasis.opendocument.presentation': { mime: 'application/vnd.oasis.opendocument.presentation', ext: 'odp' },
  // Word 97–2003, Excel 97–2003 (OLE compound files).
  'application/x-cfb': { mime: 'application/x-cfb', ext: 'doc' },
  'application/rtf': { mime: 'application/rtf', ext: 'rtf' },
  'application/epub+zip': { mime: 'application/epub+zip', ext: 'epub' },
  // A contact card: file-type knows a vCard by its BEGIN:VCARD line.
  'text/vcard': { mime: 'text/vcard', ext: 'vcf' },
};

/** Plain-text files, which have no magic bytes: kept as text when declared so (a contact card is text/vcard). */
const TEXTS: Record<string, { mime: string; ext: string }> = {
  'text/vcard': { mime: 'text/vcard', ext: 'vcf' },
  'text/x-vcard': { mime: 'text/vcard', ext: 'vcf' },
  'text/plain': { mime: 'text/plain', ext: 'txt' },
  'text/csv': { mime: 'text/csv', ext: 'csv' },
};

const OPAQUE: DetectedMediaType = { mime: 'application/octet-stream', kind: 'document', ext: 'bin' };

/** Whether the bytes are text a contact card or a note could be (UTF-8, no NUL), checked on the first 4 KiB. */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096);
  if (head.includes(0)) return false;
  try {
    // stream: a character cut at the 4 KiB mark is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * What a file that is not one of WhatsApp's media types is stored as: any document she sends (a CV as .docx, .xlsx,
 * .odt, a contact card) is kept as a download. Known office formats keep their type by their bytes; text keeps the
 * declared text type when it is one we know and the bytes are text; anything else — an HTML page, an SVG, an
 * executable, a file claiming to be a photo — is `application/octet-stream`: kept, never run, never shown inline.
 */
export async function documentType(bytes: Uint8Array, declared?: string): Promise<DetectedMediaType> {
  const sniffed = await fileTypeFromBuffer(bytes);
  if (sniffed) {
    const known = DOCUMENTS[sniffed.mime];
    return known ? { ...known, kind: 'document' } : { ...OPAQUE };
  }
  const text = TEXTS[baseType(declared)];
  return text && looksLikeText(bytes) ? { ...text, kind: 'document' } : { ...OPAQUE };
}
