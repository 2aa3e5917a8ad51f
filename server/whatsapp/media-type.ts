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
