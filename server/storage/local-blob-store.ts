/** @module server/storage/local-blob-store — blobs as files under one folder, written atomically, content type in a sidecar. */
import { mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { assertValidContentType, assertValidKey, BadBlobKeyError, type BlobStore, BlobStoreUnavailableError, META_SUFFIX, sha256Hex, type StoredBlob } from './blob-store';

interface Meta {
  contentType: string;
  size: number;
  checksum: string;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  // EISDIR: the key names a folder (a prefix of other keys), which is no blob.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** Writes to a dot-named temp file in the same folder and renames it, so readers never see half a file. */
async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${Bun.randomUUIDv7()}.tmp`);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined); // the write's own error is the one worth reporting
    throw error;
  }
}

export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
  }

  /** The file for a key; the containment check backs up the key rules in case they are ever loosened. */
  private pathFor(key: string): string {
    assertValidKey(key);
    const path = resolve(this.rootDir, key);
    if (!path.startsWith(this.rootDir + sep)) throw new BadBlobKeyError(key, 'it points outside the media folder');
    return path;
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<StoredBlob> {
    const path = this.pathFor(key);
    assertValidContentType(contentType);
    const meta: Meta = { contentType, size: bytes.byteLength, checksum: sha256Hex(bytes) };
    await mkdir(dirname(path), { recursive: true });
    // Data before sidecar: a crash in between leaves a file whose type is derived from its extension.
    await writeAtomically(path, bytes);
    await writeAtomically(path + META_SUFFIX, JSON.stringify(meta));
    return { key, ...meta };
  }

  private async contentTypeOf(path: string): Promise<string> {
    try {
      const meta = JSON.parse(await readFile(path + META_SUFFIX, 'utf8')) as Partial<Meta>;
      if (typeof meta.contentType === 'string') return meta.contentType;
    } catch (error) {
      if (!isMissing(error) && !(error instanceof SyntaxError)) throw error;
    }
    return Bun.file(path).type.split(';')[0] || 'application/octet-stream';
  }

  async get(key: string): Promise<{ bytes: Uint8Array; contentType: string; size: number } | null> {
    const path = this.pathFor(key);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    return { bytes, contentType: await this.contentTypeOf(path), size: bytes.byteLength };
  }

  async response(key: string): Promise<Response | null> {
    const found = await this.head(key);
    if (!found) return null;
    return new Response(Bun.file(this.pathFor(key)), {
      headers: { 'content-type': found.contentType, 'content-length': String(found.size) },
    });
  }

  async head(key: string): Promise<{ size: number; contentType: string } | null> {
    const path = this.pathFor(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return null;
      return { size: info.size, contentType: await this.contentTypeOf(path) };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathFor(key);
    for (const file of [path, path + META_SUFFIX]) {
      await unlink(file).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
    }
  }

  /** Creates the folder if needed and proves it is writable with a probe file. */
  async check(): Promise<void> {
    const probe = join(this.rootDir, `.probe-${Bun.randomUUIDv7()}`);
    try {
      await mkdir(this.rootDir, { recursive: true });
      await writeFile(probe, 'ok');
      await unlink(probe);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new BlobStoreUnavailableError(`The media folder ${this.rootDir} is not writable (${reason}): check that it exists, the disk is not full, and the server's user owns it.`);
    }
  }
}
