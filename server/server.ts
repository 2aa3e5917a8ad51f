/** @module server/server — wires config → database → app → listen, and shuts down gracefully. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, mediaDir, pgliteDir, resolveSecret, type Config } from './config';
import { createApp } from './app';
import { MAX_INBOUND_BYTES } from './whatsapp/twilio-webhooks';
import { openDatabase, type Database } from './db/client';
import { checkInstallSecret } from './db/install-identity';
import { requireMigrated } from './db/migrate';
import { countUsers } from './db/queries/users';
import { createLocalAdminToken, loopbackUrl, writeLocalAdmin } from './local-admin';
import { createLogger, type Logger } from './logger';
import { createMetrics } from './metrics';
import { privateFolder } from './private-files';
import { buildServices, type Services } from './wiring';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly config: Config;
  readonly database: Database;
  readonly logger: Logger;
  readonly services: Services;
  /** Stops accepting, drains work, closes the database. Idempotent. */
  stop(reason?: string): Promise<void>;
}

export interface StartOptions {
  config?: Config;
  logger?: Logger;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? createLogger(config.logLevel);
  // The first start creates the embedded database (initdb in WebAssembly: 10–30 s here): say so before it begins.
  if (config.databaseUrl) logger.info('starting: connecting to Postgres');
  else if (existsSync(pgliteDir(config))) logger.info('starting: opening the embedded database', { folder: pgliteDir(config) });
  else logger.info('first start: creating the embedded database (up to a minute)', { folder: pgliteDir(config) });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    prepare: config.databasePrepare,
    pgliteDir: pgliteDir(config),
    role: `the wasap server (port ${config.port})`,
    // Several processes (server/cluster): a paused process's open transaction, and the lease row it holds FOR KEY
    // SHARE, end with its lease, so the shard can be taken over.
    settings: config.databaseUrl ? { idle_in_transaction_session_timeout: Math.max(config.cluster.leaseMs, 1000) } : undefined,
  });
  try {
    // Personal data: whatever modes the embedded database gives its files, only this user may enter their folders.
    if (!config.databaseUrl) keepPrivate(pgliteDir(config), logger);
    if (!config.s3) keepPrivate(mediaDir(config), logger);
    // Checked before any query: a database left behind would otherwise fail at the first table it lacks, in raw SQL.
    if (config.autoMigrate) await database.migrate();
    else requireMigrated(await database.migrationStatus(), config.databaseUrl ? 'DATABASE_URL' : 'WASAP_DATA_DIR');
    await checkInstallSecret(database.db, resolveSecret(config), config.databaseUrl ? 'this database' : 'this embedded database');
    if ((await countUsers(database.db).catch(() => 1)) === 0) {
      // The command must find this database: on Postgres the same DATABASE_URL (never printed: it may hold a password),
      // else this data folder, named unless it is the one `wasap` finds by default from here.
      const folder = config.databaseUrl || config.dataDir === resolve('data') ? '' : `WASAP_DATA_DIR=${config.dataDir} `;
      const where = config.databaseUrl
        ? 'run with the same DATABASE_URL as this server (exported, or in the .env of the folder it is run from), as it writes to that Postgres database directly'
        : 'run in the project folder (it reaches this server through its admin API while it runs)';
      logger.warn(`no users yet: create the first admin with \`${folder}npx wasap user add --email you@agency.co --name "Your Name" --role admin\`, ${where}`);
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  let draining = false;
  const metrics = createMetrics();
  const services = buildServices({ config, database, logger, metrics });
  const localAdmin = { token: createLocalAdminToken(), url: undefined as string | undefined };
  const app = createApp({ config, database, logger, metrics, services, isDraining: () => draining, localAdmin: { token: localAdmin.token, url: () => localAdmin.url } });
  // Recovered events are queued before the first new webhook can arrive, so each conversation keeps its order.
  await services.start();
  // A second cap at the socket, above every route's own limit (the largest: a phone-simulator upload or an inbound
  // message, see app.ts), so no body past it is buffered at all (Bun's default is 128 MB).
  app.listen({ port: config.port, hostname: config.host, maxRequestBodySize: Math.max(config.mediaMaxBytes, MAX_INBOUND_BYTES) + 128 * 1024 });
  if (app.server) services.hub.attach(app.server);
  const port = app.server?.port ?? config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  const removeLocalAdmin = offerLocalAdmin(config, port, localAdmin, logger);
  logger.info('listening', { url, publicUrl: config.publicUrl, database: database.describe, whatsapp: services.provider.name, ...(services.cluster ? { node: services.cluster.nodeId } : {}) });
  void services.cluster?.announce(url);
  if (services.simulator) {
    logger.warn(`WhatsApp simulator mode (no TWILIO_* or META_* settings): ${config.publicUrl}/dev/phone plays an aspirant and is open to anyone who can reach this server — for development only`);
  }
  if (config.meta && !config.publicUrl.startsWith('https://')) {
    // Meta's webhook settings accept only an https callback URL with a valid certificate.
    logger.warn(`PUBLIC_URL is not https: Meta calls only an https webhook, so ${config.publicUrl}/webhooks/meta cannot be its callback URL; put the server behind https and set PUBLIC_URL to it`);
  }
  logger.info(`ready: open ${config.publicUrl === url ? url : `${url} (or ${config.publicUrl})`} in a browser`, { url });

  let stopping: Promise<void> | undefined;
  async function shutdown(reason = 'stop'): Promise<void> {
    draining = true;
    logger.info('shutting down', { reason, graceMs: config.cluster.shutdownGraceMs });
    // /readyz answers 503 from now: a balancer that probes it stops sending here before the listener closes.
    if (config.cluster.shutdownGraceMs > 0) await Bun.sleep(config.cluster.shutdownGraceMs);
    // Finish in-flight requests but take no new ones; then close the database last.
    removeLocalAdmin();
    await closeListener(app.server);
    await app.stop(true);
    await services.stop();
    await database.close();
    logger.info('stopped');
  }
  return {
    url,
    port,
    config,
    database,
    logger,
    services,
    stop(reason) {
      stopping ??= shutdown(reason);
      return stopping;
    },
  };
}

/**
 * Writes the local admin credential (server/local-admin) so `wasap` on this machine reaches the admin API; returns
 * its removal. Never stops the start: a server bound to one non-loopback address, or a data folder it cannot write,
 * only means the CLI there needs WASAP_API_TOKEN (logged).
 */
function offerLocalAdmin(config: Config, port: number, credential: { token: string; url?: string }, logger: Logger): () => void {
  const url = loopbackUrl(config.host, port);
  const without = config.databaseUrl ? '`wasap bot` and `dead-letters` here need WASAP_URL and WASAP_API_TOKEN' : '`wasap user`, `token` and `doctor` cannot reach it while it runs';
  if (!url) {
    logger.info(`no local admin credential for HOST=${config.host} (set HOST=127.0.0.1 or 0.0.0.0 for one): ${without}`);
    return () => {};
  }
  try {
    const remove = writeLocalAdmin(config.dataDir, { url, token: credential.token });
    credential.url = url;
    return remove;
  } catch (error) {
    logger.warn(`could not write the local admin credential: ${without}`, { err: error as Error });
    return () => {};
  }
}

/**
 * Makes `folder` 0700 (server/private-files); one this user may not change (another owner's volume) is logged, not
 * fatal: the server ran that way before, and the operator decides who may read it.
 */
function keepPrivate(folder: string, logger: Logger): void {
  try {
    privateFolder(folder);
  } catch (error) {
    logger.warn(`could not make ${folder} readable by this user only (mode 0700): it holds personal data, check its owner and mode`, { err: error as Error });
  }
}

/** How long a stop waits for the HTTP requests in flight (ms): a webhook takes well under a second. */
const REQUESTS_DRAIN_MS = 5_000;

/**
 * Stops taking connections and lets the HTTP requests in flight finish (up to REQUESTS_DRAIN_MS); then closes what is left — the live pages'
 * WebSockets, which would otherwise hold the stop open for as long as a recruiter keeps a tab (the page reconnects,
 * behind a balancer to another process). Bun's `pendingRequests` counts HTTP requests only.
 */
async function closeListener(server: { stop(closeActiveConnections?: boolean): Promise<void>; readonly pendingRequests: number } | null | undefined): Promise<void> {
  if (!server) return;
  const closing = server.stop(false);
  // A request that never ends (a body trickled in byte by byte) is cut after the deadline.
  const deadline = performance.now() + REQUESTS_DRAIN_MS;
  while (server.pendingRequests > 0 && performance.now() < deadline) await Bun.sleep(10);
  await server.stop(true);
  await closing;
}
