/** @module server/storage — picks the blob store from configuration: S3 when a bucket is set, else the local media folder. */
import type { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';

export * from './blob-store';
export { LocalBlobStore } from './local-blob-store';
export { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store';

export interface BlobStoreConfig {
  s3?: { bucket: string; endpoint?: string; region: string; forcePathStyle: boolean };
  mediaDir: string;
}

export function createBlobStore(config: BlobStoreConfig): BlobStore {
  if (config.s3) return new S3BlobStore(config.s3);
  return new LocalBlobStore(config.mediaDir);
}
