/**
 * @module cli/migrate — `wasap migrate`: apply the migrations folder (a no-op when up to date; creates the embedded
 * database if there is none). While a server on this machine holds the embedded database, it says what that server
 * applied at its start instead (cli/api).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { configuredSecret, pgliteDir } from '../server/config';
import { acceptInstallSecret } from '../server/db/install-identity';
import { privateFolder } from '../server/private-files';
import { call, localApi, localServer } from './api';
import { configFrom, withDatabase } from './context';
import { CLIError } from './errors';
import type { CliIO } from './io';

export function registerMigrate(program: Command, io: CliIO): void {
  program
    .command('migrate')
    .description('apply pending database migrations (running it twice is a no-op)')
    .option(
      '--accept-new-secret',
      "record this WASAP_SECRET as the database's, after changing it on purpose with every process stopped (form links already sent stop opening; remembered opt-outs of erased people are forgotten)",
    )
    .action(async function migrate(options: { acceptNewSecret?: boolean }) {
      // Accepting a secret writes to the database itself: a server holding the embedded one must be stopped first.
      if (!configFrom(io).databaseUrl && !options.acceptNewSecret) {
        const local = await localServer(io);
        if ('credential' in local) {
          const status = await call('migrate', () => localApi(local.credential).api.admin.status.get());
          const { applied, expected, pending } = status.migrations;
          if (pending.length) throw new CLIError(`${status.database}: ${pending.length} migration(s) pending (${pending.join(', ')})`, 1, 'Restart the server: it applies them at start.');
          return io.out(`${status.database}: up to date (${applied}/${expected}), applied by the running server at its start\n`);
        }
      }
      const config = configFrom(io);
      // The new secret must be one a server has: never one generated here.
      const secret = configuredSecret(config);
      if (options.acceptNewSecret && !secret) throw new CLIError('--accept-new-secret needs the new secret', 2, 'Set WASAP_SECRET to the secret every process will start with.');
      const fresh = !config.databaseUrl && !existsSync(pgliteDir(config));
      await withDatabase(
        io,
        'wasap migrate',
        async (database) => {
          const before = await database.migrationStatus();
          await database.migrate();
          const after = await database.migrationStatus();
          const applied = after.applied - before.applied;
          // Personal data: only this user may enter the embedded database's folder (its files are 0666; server/private-files).
          if (!config.databaseUrl) {
            try {
              privateFolder(pgliteDir(config));
            } catch (error) {
              io.err(`wasap: could not make ${pgliteDir(config)} readable by this user only (mode 0700): ${(error as Error).message}\n`);
            }
          }
          // A new folder may be a misspelt WASAP_DATA_DIR: say so, so a second database does not go unnoticed.
          if (fresh) io.out(`${database.describe}: created a new embedded database in ${config.dataDir}\n`);
          io.out(`${database.describe}: ${applied === 0 ? 'already up to date' : `applied ${applied} migration(s)`} (${after.applied}/${after.expected})\n`);
          if (options.acceptNewSecret) {
            await acceptInstallSecret(database.db, secret!);
            const which = config.secret ? 'this WASAP_SECRET' : `the secret in ${config.dataDir}/secret`;
            io.out(`${database.describe}: recorded ${which} as the database's; start every process with it\n`);
          }
        },
        false,
        true,
      );
    });
}
