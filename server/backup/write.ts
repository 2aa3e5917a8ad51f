/**
 * @module server/backup/write — a snapshot as one streamed tar archive (tar-stream), in the order server/backup/format
 * fixes, ending with the sums of every entry. Media files are read one at a time as the reader pulls, so memory holds
 * one file and the stream's small buffer, never the whole folder.
 */
import { readFile } from 'node:fs/promises';
import { pack as tarPack, type Pack } from 'tar-stream';
import { ENTRY, KEYS_PREFIX, MEDIA_PREFIX, type BackupEnd, type BackupEntrySum } from './format';
import type { Snapshot } from './snapshot';

function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(bytes).digest('hex');
}

/** Adds one entry and resolves once the pack has taken it (its callback waits for the reader: backpressure). */
function addEntry(pack: Pack, name: string, bytes: Uint8Array, mtime: Date, sums: BackupEntrySum[]): Promise<void> {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  sums.push({ name, size: bytes.byteLength, sha256: sha256(bytes) });
  const sink = pack.entry({ name, size: bytes.byteLength, mode: 0o600, mtime }, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => (error ? reject(error) : resolve()));
  // A pack destroyed meanwhile (the reader went away) destroys the entry too: its error comes through the callback.
  sink.on('error', () => undefined);
  return promise;
}

async function fill(pack: Pack, snapshot: Snapshot): Promise<void> {
  const mtime = new Date(snapshot.manifest.createdAt);
  const sums: BackupEntrySum[] = [];
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  await addEntry(pack, ENTRY.manifest, json(snapshot.manifest), mtime, sums);
  await addEntry(pack, ENTRY.database, new Uint8Array(await snapshot.database.arrayBuffer()), mtime, sums);
  for (const one of snapshot.media) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(one.file));
    } catch (error) {
      // Erased (retention, a request) since it was listed: its row is gone from the copy too, or never pointed at it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    await addEntry(pack, MEDIA_PREFIX + one.path, bytes, mtime, sums);
  }
  for (const key of snapshot.keys) await addEntry(pack, KEYS_PREFIX + key.name, key.bytes, mtime, sums);
  const end: BackupEnd = { entries: sums };
  await addEntry(pack, ENTRY.end, json(end), mtime, []);
  pack.finalize();
}

/** How a streamed archive ended: `error` is set when it did not reach its end (a failure, or its reader went away). */
export interface BackupStreamEnd {
  /** Bytes handed to the reader. */
  bytes: number;
  error?: Error;
}

/**
 * The archive of `snapshot` as a web stream. An error while it is written (a media file that cannot be read) ends the
 * stream with that error, so the reader sees a cut-off archive (no end.json) and refuses it. A reader that goes away
 * (a closed connection) cancels it. `onEnd` is told once, however it ended: at its end, its error, or its cancel.
 */
export function backupStream(snapshot: Snapshot, onEnd?: (end: BackupStreamEnd) => void): ReadableStream<Uint8Array> {
  const pack = tarPack();
  fill(pack, snapshot).catch((error: Error) => pack.destroy(error));
  const chunks = pack[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let bytes = 0;
  let ended = false;
  const end = (error?: Error) => {
    if (ended) return;
    ended = true;
    onEnd?.({ bytes, error });
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) {
          controller.close();
          end();
        } else {
          bytes += next.value.byteLength;
          controller.enqueue(next.value);
        }
      } catch (error) {
        controller.error(error);
        end(error as Error);
      }
    },
    cancel(reason) {
      const error = reason instanceof Error ? reason : new Error('backup download cancelled');
      end(error);
      pack.destroy(error);
    },
  });
}
