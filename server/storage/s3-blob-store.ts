/** @module server/storage/s3-blob-store — blobs as objects in one S3 (or S3-compatible) bucket. */
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { assertValidContentType, assertValidKey, type BlobStore, BlobStoreUnavailableError, sha256Hex, type StoredBlob } from './blob-store';

export interface S3BlobStoreOptions {
  bucket: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Defaults to the standard AWS chain (env, shared files, instance/container roles). */
  credentials?: S3ClientConfig['credentials'];
  /** How long check() waits for the bucket before calling it unreachable. */
  checkTimeoutMs?: number;
}

interface AwsErrorShape {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(error: unknown): number | undefined {
  return (error as AwsErrorShape).$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const name = (error as AwsErrorShape).name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(error) === 404;
}

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly where: string;
  private readonly checkTimeoutMs: number;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.where = options.endpoint ? `at ${options.endpoint}` : `in ${options.region}`;
    this.checkTimeoutMs = options.checkTimeoutMs ?? 5_000;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // The SDK's default CRC32 checksums are refused by several S3-compatible stores; we send our own SHA-256.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<StoredBlob> {
    assertValidKey(key);
    assertValidContentType(contentType);
    const checksum = sha256Hex(bytes);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        ContentLength: bytes.byteLength,
        // Kept as metadata too, because some S3-compatible stores ignore checksum headers.
        Metadata: { sha256: checksum },
        ChecksumSHA256: Buffer.from(checksum, 'hex').toString('base64'),
      }),
    );
    return { key, size: bytes.byteLength, checksum, contentType };
  }

  private async getObject(key: string) {
    assertValidKey(key);
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async get(key: string): Promise<{ bytes: Uint8Array; contentType: string; size: number } | null> {
    const object = await this.getObject(key);
    if (!object?.Body) return null;
    const bytes = await object.Body.transformToByteArray();
    return { bytes, contentType: object.ContentType ?? 'application/octet-stream', size: bytes.byteLength };
  }

  async response(key: string): Promise<Response | null> {
    const object = await this.getObject(key);
    if (!object?.Body) return null;
    const headers: Record<string, string> = { 'content-type': object.ContentType ?? 'application/octet-stream' };
    if (object.ContentLength !== undefined) headers['content-length'] = String(object.ContentLength);
    return new Response(object.Body.transformToWebStream(), { headers });
  }

  async head(key: string): Promise<{ size: number; contentType: string } | null> {
    assertValidKey(key);
    try {
      const object = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: object.ContentLength ?? 0, contentType: object.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** HeadBucket: proves the endpoint answers, the bucket exists and the credentials may use it. */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), {
        abortSignal: AbortSignal.timeout(this.checkTimeoutMs),
      });
    } catch (error) {
      throw new BlobStoreUnavailableError(`S3 bucket "${this.bucket}" ${this.where} is not usable: ${this.explain(error)}`);
    }
  }

  private explain(error: unknown): string {
    const status = statusOf(error);
    if (status === 404) return 'the bucket does not exist (check S3_BUCKET and S3_REGION).';
    if (status === 301) return 'the bucket is in another region (check S3_REGION).';
    if (status === 401 || status === 403) return 'access denied (check the AWS credentials and the bucket policy).';
    const { name, message } = error as AwsErrorShape;
    if (name === 'CredentialsProviderError') return 'no AWS credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or use an instance role).';
    if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${this.checkTimeoutMs} ms (check S3_ENDPOINT and the network).`;
    return `${status ? `HTTP ${status}, ` : ''}${message || name || String(error)} (check S3_ENDPOINT and the network).`;
  }
}
