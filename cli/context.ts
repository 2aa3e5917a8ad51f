/** @module cli/context — configuration and database access shared by the commands. */
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

/** Opens the database for one command, migrating first unless told not to, and always closes it. */
export async function withDatabase<T>(io: CliIO, role: string, fn: (database: Database, config: Config) => Promise<T>, migrate = true): Promise<T> {
  const config = configFrom(io);
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
