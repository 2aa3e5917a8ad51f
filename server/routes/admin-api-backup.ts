/**
 * @module server/routes/admin-api-backup — `GET /api/admin/backup` (`wasap backup FILE`), behind an API token or the
 * local admin credential: a consistent backup of the running embedded install as one streamed tar archive
 * (server/backup/format): PGlite's copy of its data folder, every file of the local media folder, the generated key
 * files, a manifest and checksums. 409 `BACKUP_NOT_EMBEDDED` on Postgres, which is backed up with pg_dump (README, "Backups").
 */
import { Elysia } from 'elysia';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { BACKUP_CONTENT_TYPE, BackupError } from '../backup/format';
import { snapshotSources, takeSnapshot } from '../backup/snapshot';
import { backupStream } from '../backup/write';
import { adminCaller } from './admin-api';

export interface AdminBackupApiDeps {
  database: Database;
  config: Config;
  logger: Logger;
  localAdminToken?: string;
  /** The clock (tests move it), milliseconds since the epoch. */
  now?: () => number;
}

export function adminBackupApiRoutes(deps: AdminBackupApiDeps) {
  const { config } = deps;
  return new Elysia({ name: 'admin-api-backup', prefix: '/api/admin' })
    .derive(async ({ headers }) => ({ caller: await adminCaller({ db: deps.database.db, localAdminToken: deps.localAdminToken }, headers.authorization) }))
    .get('/backup', async function backup({ caller, request, server }) {
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
      deps.logger.info('backup taken', { by: caller.label, createdAt: manifest.createdAt, ...manifest.counts, mediaFiles: manifest.mediaFiles, mediaBytes: manifest.mediaBytes });
      const stopped = (error: Error) => deps.logger.warn('backup stopped before its end', { by: caller.label, err: error });
      return new Response(backupStream(snapshot, stopped), {
        headers: {
          'content-type': BACKUP_CONTENT_TYPE,
          'content-disposition': `attachment; filename="wasap-backup-${manifest.createdAt.replace(/[:.]/g, '-')}.tar"`,
          'cache-control': 'no-store',
        },
      });
    });
}
