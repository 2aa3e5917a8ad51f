#!/usr/bin/env bun
/** @module server/main — the process entry: start the server, stop it on SIGTERM/SIGINT within SHUTDOWN_GRACE_MS + 10 s. */
import { ConfigError, loadConfig } from './config';
import { DataDirLockedError } from './db/lock';
import { startServer, type RunningServer } from './server';
import { usePrivateUmask } from './private-files';

/** Time to drain and close after the grace period (SHUTDOWN_GRACE_MS) in which /readyz already answers 503. */
const SHUTDOWN_DEADLINE_MS = 10_000;

function startupError(error: unknown): number {
  if (error instanceof ConfigError) {
    process.stderr.write(`wasap: configuration error: ${error.message}\n`);
    return 2;
  }
  const prefix = error instanceof DataDirLockedError ? '' : 'could not start: ';
  process.stderr.write(`wasap: ${prefix}${(error as Error).message}\n`);
  return 1;
}

/** How often a process launched by npm looks whether its parent is still there (ms). */
const ORPHAN_CHECK_MS = 500;

/**
 * npm runs a script or a package's command through `sh -c` and forwards SIGTERM to that shell only: a shell that does
 * not exec its command (dash, /bin/sh on Debian and Ubuntu) dies and leaves the server running in the background,
 * holding the data folder. So a process launched by a package manager (`npm start`, `npx wasap serve`) takes the
 * loss of its parent as the SIGTERM it never got. A server started any other way (a shell, systemd, nohup) is left be.
 */
export function stopWhenOrphaned(onOrphaned: (signal: NodeJS.Signals) => void, env: NodeJS.ProcessEnv = process.env): () => void {
  // npm sets npm_command (and npm_lifecycle_event for scripts); yarn, pnpm and `bun run` set npm_lifecycle_event.
  if (!env.npm_command && !env.npm_lifecycle_event) return () => {};
  const parent = process.ppid;
  const timer = setInterval(function checkParent() {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned('SIGTERM');
  }, ORPHAN_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Runs until a signal arrives; returns the exit code (2 for bad configuration). */
export async function main(): Promise<number> {
  usePrivateUmask();
  // Signals are caught from the first moment: one that arrives during start-up stops the server once it is up.
  const { promise: signalled, resolve: onSignal } = Promise.withResolvers<NodeJS.Signals>();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  stopWhenOrphaned(onSignal);
  let server: RunningServer;
  try {
    server = await startServer({ config: loadConfig() });
  } catch (error) {
    return startupError(error);
  }
  const signal = await signalled;
  const deadline = Promise.withResolvers<number>();
  const deadlineMs = server.config.cluster.shutdownGraceMs + SHUTDOWN_DEADLINE_MS;
  const timer = setTimeout(() => {
    server.logger.error('shutdown took too long; exiting', { deadlineMs });
    deadline.resolve(1);
  }, deadlineMs);
  timer.unref();
  const stopped = server.stop(signal).then(
    () => 0,
    (error: unknown) => {
      server.logger.error('shutdown failed', { err: error as Error });
      return 1;
    },
  );
  return Promise.race([stopped, deadline.promise]);
}

if (import.meta.main) process.exit(await main());
