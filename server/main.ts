#!/usr/bin/env bun
/** @module server/main — the process entry: start the server, stop it on SIGTERM/SIGINT within 10 s. */
import { ConfigError, loadConfig } from './config';
import { DataDirLockedError } from './db/lock';
import { startServer, type RunningServer } from './server';

const SHUTDOWN_DEADLINE_MS = 10_000;

/** Runs until a signal arrives; returns the exit code (2 for bad configuration). */
export async function main(): Promise<number> {
  let server: RunningServer;
  try {
    server = await startServer({ config: loadConfig() });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`wasap: configuration error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof DataDirLockedError) {
      process.stderr.write(`wasap: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`wasap: could not start: ${(error as Error).message}\n`);
    return 1;
  }
  const { promise: done, resolve } = Promise.withResolvers<number>();
  function onSignal(signal: NodeJS.Signals): void {
    const deadline = setTimeout(() => {
      server.logger.error('shutdown took too long; exiting', { deadlineMs: SHUTDOWN_DEADLINE_MS });
      resolve(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    server.stop(signal).then(
      () => resolve(0),
      (error: unknown) => {
        server.logger.error('shutdown failed', { err: error as Error });
        resolve(1);
      },
    );
  }
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return done;
}

if (import.meta.main) process.exit(await main());
