/** @module cli/context — configuration and database access shared by the commands. */
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, pgliteDir, type Config } from '../server/config';
import { openDatabase, type Database } from '../server/db/client';
import { DataDirLockedError } from '../server/db/lock';
import { CLIError } from './errors';
import type { CliIO } from './io';

export function configFrom(io: CliIO): Config {
  try {
    return loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CLIError(`configuration error: ${error.message}`, 2);
    throw error;
  }
}

/**
 * Opens the database for one command, migrating first unless told not to, and always closes it.
 * @throws CLIError when the embedded database does not exist yet (unless `create`, for `wasap migrate`): a command run
 *   with the wrong WASAP_DATA_DIR, or from another folder, must not quietly start an empty database of its own.
 */
export async function withDatabase<T>(io: CliIO, role: string, fn: (database: Database, config: Config) => Promise<T>, migrate = true, create = false): Promise<T> {
  const config = configFrom(io);
  if (!config.databaseUrl && !create && !existsSync(pgliteDir(config))) {
    throw new CLIError(
      `no embedded database in ${config.dataDir}`,
      1,
      'Run the command where the server runs, with the same WASAP_DATA_DIR (the server names it at start), or create the database with `npm start` or `wasap migrate`.',
    );
  }
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, prepare: config.databasePrepare, pgliteDir: pgliteDir(config), role });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      throw new CLIError(error.message, 1, 'Stop the server (Ctrl+C or SIGTERM), run the command, then start it again.');
    }
    throw new CLIError(`cannot open the database: ${(error as Error).message}`, 1, 'Check DATABASE_URL, or run `wasap doctor`.');
  }
  try {
    if (migrate) await database.migrate();
    return await fn(database, config);
  } finally {
    await database.close();
  }
}
