/**
 * @module server/privacy/export — one person's data as one ZIP archive she can be given (Law 1581 Art. 8 a–b, access;
 * Decree 1377 Art. 21): `data.json` (server/privacy/export-data) and every stored file of her messages under `media/`.
 *
 * ZIP (fflate) rather than tar.gz: it opens with a tap on the phones and computers an aspirant has (Android, iOS,
 * Windows, macOS) without another app. Files go in stored, not recompressed (photos and videos are compressed already);
 * `data.json` is deflated. The archive is streamed: one file read from the blob store at a time.
 *
 * Every export is recorded as a read (`aspirant.exported` in read_audit, Law 1581 Art. 17 d) and in the audit log
 * (`aspirant.exported`, counts only), before any byte is sent.
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import type { Logger } from '../logger';
import type { BlobStore } from '../storage/blob-store';
import { exportData, type ExportFile } from './export-data';
import { recordRead, type Reader } from './read-audit';

export interface ExportDeps {
  db: Db;
  blobs: BlobStore;
  logger?: Logger;
  now?: () => number;
}

/** Who exports, as the audit records them: `reader` for read_audit, `label`/`ip` for the audit log. */
export interface Exporter {
  reader: Reader;
  ip?: string;
}

/** An export ready to send: its file name (`wasap-aspirant-<id>-<YYYYMMDD>.zip`), the archive's bytes as a stream, counts. */
export interface ExportArchive {
  filename: string;
  stream: ReadableStream<Uint8Array>;
  messages: number;
  files: number;
}

const encoder = new TextEncoder();

/**
 * The archive as a stream: the files first (a file the store no longer has is listed in `data.json`'s `missingFiles`),
 * `data.json` last. A blob store that fails mid-way errors the stream (the download breaks; nothing is half-claimed).
 */
export function archiveStream(blobs: BlobStore, data: Record<string, unknown>, files: ExportFile[], logger?: Logger): ReadableStream<Uint8Array> {
  let zip: Zip;
  let next = 0;
  const missing: string[] = [];
  return new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new Zip(function chunk(error, bytes, final) {
        if (error) return controller.error(error);
        controller.enqueue(bytes);
        if (final) controller.close();
      });
    },
    async pull() {
      const file = files[next++];
      if (file) {
        const blob = await blobs.get(file.key);
        if (!blob) {
          missing.push(file.path);
          logger?.warn('export: a stored file is missing from the blob store', { mediaId: file.mediaId });
          return;
        }
        const entry = new ZipPassThrough(file.path);
        zip.add(entry);
        entry.push(blob.bytes, true);
        return;
      }
      const json = new ZipDeflate('data.json', { level: 6 });
      zip.add(json);
      json.push(encoder.encode(JSON.stringify({ ...data, missingFiles: missing }, null, 2)), true);
      zip.end();
    },
  });
}

/**
 * Exports aspirant `aspirantId`: gathers her data, records the read and the audit entry, and answers the archive.
 * @throws NotFoundError when there is no such aspirant (nothing recorded).
 */
export async function exportAspirant(deps: ExportDeps, aspirantId: number, by: Exporter): Promise<ExportArchive> {
  const now = new Date((deps.now ?? Date.now)());
  const { data, files } = await exportData(deps.db, aspirantId, now);
  const messages = data.conversations.reduce((n, c) => n + c.messages.length, 0);
  await recordRead(deps.db, by.reader, { action: 'aspirant.exported', aspirantId });
  await recordAudit(deps.db, {
    actor: by.reader.email,
    actorUserId: by.reader.id,
    action: 'aspirant.exported',
    targetType: 'aspirant',
    targetId: aspirantId,
    details: { conversations: data.conversations.length, messages, files: files.length },
    ip: by.ip,
  });
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return { filename: `wasap-aspirant-${aspirantId}-${day}.zip`, stream: archiveStream(deps.blobs, data, files, deps.logger), messages, files: files.length };
}
