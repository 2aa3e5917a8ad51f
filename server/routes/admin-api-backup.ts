/**
 * @module server/routes/admin-api-backup — `GET /api/admin/backup` (`wasap backup FILE`), behind an API token or the
 * local admin credential: a consistent backup of the running embedded install as one streamed tar archive
 * (server/backup/format): PGlite's copy of its data folder, every file of the local media folder, the generated key
 * files, a manifest and checksums, with its estimated size in a header before it (the CLI checks its disk's room).
 * 409 `BACKUP_NOT_EMBEDDED` on Postgres, which is backed up with pg_dump (README, "Backups"); 409 `BACKUP_RUNNING` while
 * another backup of this server is still going out (server/backup/gate), which is left undisturbed.
 */
import { Elysia } from 'elysia';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { BACKUP_CONTENT_TYPE, BackupError } from '../backup/format';
import { createBackupGate, type RunningBackup } from '../backup/gate';
import { BACKUP_ESTIMATE_HEADER, estimateArchiveBytes } from '../backup/size';
import { snapshotSources, takeSnapshot } from '../backup/snapshot';
import { backupStream, type BackupStreamEnd } from '../backup/write';
import { adminCaller } from './admin-api';

export interface AdminBackupApiDeps {
  database: Database;
  config: Config;
  logger: Logger;
  localAdminToken?: string;
  /** The clock (tests move it), milliseconds since the epoch. */
  now?: () => number;
}

/** The 409 for a second backup while `running` is still going out. */
function backupRunning(running: RunningBackup): AppError {
  return new AppError(
    'BACKUP_RUNNING',
    409,
    `another backup of this server is still being written (started by ${running.by} at ${new Date(running.since).toISOString()}) and was left running; try again once it has finished`,
  );
}

export function adminBackupApiRoutes(deps: AdminBackupApiDeps) {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const gate = createBackupGate();
  return new Elysia({ name: 'admin-api-backup', prefix: '/api/admin' })
    .derive(async ({ headers }) => ({ caller: await adminCaller({ db: deps.database.db, localAdminToken: deps.localAdminToken }, headers.authorization) }))
    .get('/backup', async function backup({ caller, request, server }) {
      const entry = gate.enter(caller.label, now());
      if ('running' in entry) throw backupRunning(entry.running);
      let streaming = false;
      try {
        let snapshot;
        try {
          snapshot = await takeSnapshot(snapshotSources(config, deps.database, deps.now));
        } catch (error) {
          if (error instanceof BackupError && error.code === 'NOT_EMBEDDED') throw new AppError('BACKUP_NOT_EMBEDDED', 409, `${error.message}. ${error.hint ?? ''}`.trim());
          throw error;
        }
        // The archive may take longer than the idle timeout to go out (a large media folder, a slow link).
        server?.timeout(request, 0);
        const { manifest } = snapshot;
        const estimate = estimateArchiveBytes(snapshot);
        deps.logger.info('backup taken', { by: caller.label, createdAt: manifest.createdAt, ...manifest.counts, mediaFiles: manifest.mediaFiles, mediaBytes: manifest.mediaBytes, estimate });
        const ended = ({ bytes, error }: BackupStreamEnd) => {
          entry.release();
          if (error) deps.logger.warn('backup stopped before its end', { by: caller.label, bytes, err: error });
          else deps.logger.info('backup sent', { by: caller.label, bytes });
        };
        const body = backupStream(snapshot, ended);
        // A client that goes away may leave the stream unread rather than cancelled: the gate opens either way.
        request.signal.addEventListener('abort', entry.release, { once: true });
        streaming = true;
        return new Response(body, {
          headers: {
            'content-type': BACKUP_CONTENT_TYPE,
            'content-disposition': `attachment; filename="wasap-backup-${manifest.createdAt.replace(/[:.]/g, '-')}.tar"`,
            'cache-control': 'no-store',
            [BACKUP_ESTIMATE_HEADER]: String(estimate),
          },
        });
      } finally {
        if (!streaming) entry.release();
      }
    });
}
