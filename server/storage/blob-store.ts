/** @module server/storage/blob-store — the blob store port (S3 or a local folder), its errors, and the key rules both share. */

export interface StoredBlob {
  key: string;
  size: number;
  /** sha256 of the bytes, lowercase hex. */
  checksum: string;
  contentType: string;
}

export interface BlobStore {
  readonly kind: 'local' | 's3';
  put(key: string, bytes: Uint8Array, contentType: string): Promise<StoredBlob>;
  get(key: string): Promise<{ bytes: Uint8Array; contentType: string; size: number } | null>;
  /** A Response streaming the blob (for the authorised /media/:id route), or null. */
  response?(key: string): Promise<Response | null>;
  head(key: string): Promise<{ size: number; contentType: string } | null>;
  delete(key: string): Promise<void>;
  /** Cheap reachability check for `wasap doctor` and /readyz: throws with a clear message if unusable. */
  check(): Promise<void>;
}

/** A key that could escape the store's folder, clash with its bookkeeping files, or is not portable across S3 and disks. */
export class BadBlobKeyError extends Error {
  readonly code = 'BAD_BLOB_KEY' as const;
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid blob key ${JSON.stringify(key.slice(0, 80))}: ${reason}.`);
    this.name = 'BadBlobKeyError';
  }
}

/** A content type that would be unsafe to echo back as a response header. */
export class BadContentTypeError extends Error {
  readonly code = 'BAD_CONTENT_TYPE' as const;
  constructor(readonly contentType: string) {
    super(`Invalid content type ${JSON.stringify(contentType.slice(0, 80))}: expected type/subtype, e.g. image/jpeg.`);
    this.name = 'BadContentTypeError';
  }
}

/** The store cannot be used: the message names the store and says what to check. */
export class BlobStoreUnavailableError extends Error {
  readonly code = 'BLOB_STORE_UNAVAILABLE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'BlobStoreUnavailableError';
  }
}

export const MAX_BLOB_KEY_LENGTH = 512;
/** File systems cap a name at 255 bytes; the local store's temp and sidecar names need room beyond the segment. */
export const MAX_BLOB_KEY_SEGMENT_LENGTH = 200;
/** Local stores keep the content type beside the file under this suffix, so no key may end with it. */
export const META_SUFFIX = '.meta.json';

const KEY_PATTERN = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/** Throws BadBlobKeyError unless the key is a relative, slash-separated path of safe characters. */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new BadBlobKeyError(String(key), 'it is empty');
  if (key.length > MAX_BLOB_KEY_LENGTH) throw new BadBlobKeyError(key, `it is longer than ${MAX_BLOB_KEY_LENGTH} characters`);
  if (key.includes('..')) throw new BadBlobKeyError(key, 'it contains ".."');
  if (key.startsWith('/')) throw new BadBlobKeyError(key, 'it starts with "/"');
  if (key.includes('\\')) throw new BadBlobKeyError(key, 'it contains a backslash');
  if (!KEY_PATTERN.test(key)) throw new BadBlobKeyError(key, 'only A-Z a-z 0-9 / . _ - are allowed, with no empty segments');
  // Dot-leading names are where the local store puts its temporary files.
  const segments = key.split('/');
  if (segments.some((segment) => segment.startsWith('.'))) throw new BadBlobKeyError(key, 'a segment starts with "."');
  if (segments.some((segment) => segment.length > MAX_BLOB_KEY_SEGMENT_LENGTH)) {
    throw new BadBlobKeyError(key, `a segment is longer than ${MAX_BLOB_KEY_SEGMENT_LENGTH} characters`);
  }
  if (key.endsWith(META_SUFFIX)) throw new BadBlobKeyError(key, `"${META_SUFFIX}" is reserved`);
}

const CONTENT_TYPE_PATTERN = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"\r\n]*"))*$/;

export function assertValidContentType(contentType: string): void {
  if (typeof contentType !== 'string' || contentType.length > 255 || !CONTENT_TYPE_PATTERN.test(contentType)) {
    throw new BadContentTypeError(String(contentType));
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(bytes).digest('hex');
}
