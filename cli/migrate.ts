/** @module cli/migrate — `wasap migrate`: apply the migrations folder (a no-op when up to date). */
import type { Command } from 'commander';
import { withDatabase } from './context';
import type { CliIO } from './io';

export function registerMigrate(program: Command, io: CliIO): void {
  program
    .command('migrate')
    .description('apply pending database migrations (running it twice is a no-op)')
    .action(async function migrate() {
      await withDatabase(
        io,
        'wasap migrate',
        async (database) => {
          const before = await database.migrationStatus();
          await database.migrate();
          const after = await database.migrationStatus();
          const applied = after.applied - before.applied;
          io.out(`${database.describe}: ${applied === 0 ? 'already up to date' : `applied ${applied} migration(s)`} (${after.applied}/${after.expected})\n`);
        },
        false,
      );
    });
}
