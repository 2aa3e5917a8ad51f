/**
 * @module cli/doctor — `wasap doctor`: one line per check of configuration, database and services; every check runs
 * whether or not a server holds the embedded database (then through its admin API).
 */
import { accessSync, constants, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { ConfigError, configuredSecret, loadConfig, mediaDir, pgliteDir, type Config } from '../server/config';
import { createBlobStore } from '../server/storage';
import { openDatabase, type Database } from '../server/db/client';
import { rowsOf } from '../server/db/rows';
import { lockFileOf, lockOwner } from '../server/db/lock';
import { countUsers } from '../server/db/queries/users';
import type { MigrationStatus } from '../server/db/migrate';
import { recordedSecretFingerprint, secretFingerprint } from '../server/db/install-identity';
import { call, localApi, localServer } from './api';
import { CLIError } from './errors';
import type { CliIO } from './io';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** Passes, with something the operator should fix (printed WARN; the exit code stays 0). */
  warn?: boolean;
}

type Check = () => Promise<Omit<CheckResult, 'name'>>;

/** One line: a wrapper's message without its query parameters, and the driver's cause (ECONNREFUSED…) it hides. */
function describeFailure(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  const head = message.split('\nparams:')[0]!.replace(/\s+/g, ' ').trim();
  const cause = (error as Error).cause;
  return cause instanceof Error ? `${head} (${describeFailure(cause)})` : head;
}

async function runCheck(name: string, check: Check): Promise<CheckResult> {
  try {
    return { name, ...(await check()) };
  } catch (error) {
    return { name, ok: false, detail: describeFailure(error) };
  }
}

function dataDirCheck(config: Config): Check {
  return async () => {
    // Not created here: a misspelt WASAP_DATA_DIR must not leave a folder behind and pass.
    if (!existsSync(config.dataDir)) return { ok: false, detail: `${config.dataDir} does not exist: the server creates it at its first start (npm start); or check WASAP_DATA_DIR` };
    accessSync(config.dataDir, constants.W_OK);
    return { ok: true, detail: `${config.dataDir} is writable` };
  };
}

/** The migrations line from a migration status, read directly or through the server. */
function migrationsResult(status: MigrationStatus): Omit<CheckResult, 'name'> {
  if (status.pending.length) return { ok: false, detail: `${status.pending.length} pending (${status.pending.join(', ')}): run \`wasap migrate\`` };
  return { ok: true, detail: `${status.applied}/${status.expected} applied` };
}

function usersResult(n: number): Omit<CheckResult, 'name'> {
  return n > 0 ? { ok: true, detail: `${n} user(s)` } : { ok: false, detail: 'no users: create an admin with `wasap user add --role admin`' };
}

/**
 * With the embedded database held by a running server, ask that server (its admin API, with the local credential it
 * wrote into the data folder) instead of opening the folder: the same database, migrations and users checks.
 */
async function viaRunningServer(io: CliIO, config: Config): Promise<CheckResult[] | undefined> {
  if (config.databaseUrl) return undefined;
  const owner = lockOwner(lockFileOf(pgliteDir(config)));
  if (!owner) return undefined;
  const held = `embedded database held by ${owner.role} (pid ${owner.pid})`;
  const found = await localServer(io);
  if (!('credential' in found))
    return [{ name: 'database', ok: false, detail: `${held}; its admin credential cannot be used, as ${found.problem}: run doctor as the server's user, or stop it and run doctor again` }];
  const local = found.credential;
  let status: { database: string; migrations: MigrationStatus; users: number } | undefined;
  const reach = await runCheck('database', async () => {
    status = await call('status', () => localApi(local).api.admin.status.get());
    return { ok: true, detail: `${held}; ${status.database} reached through its admin API at ${local.url}` };
  });
  if (!status) return [reach];
  const migrations = { name: 'migrations', ...migrationsResult(status.migrations) };
  return [reach, migrations, { name: 'users', ...usersResult(migrations.ok ? status.users : 0) }];
}

async function databaseChecks(io: CliIO, config: Config): Promise<CheckResult[]> {
  const viaServer = await viaRunningServer(io, config);
  if (viaServer) return viaServer;
  // Opening a folder with no database would create an empty one: the wrong WASAP_DATA_DIR would pass as reachable.
  if (!config.databaseUrl && !existsSync(pgliteDir(config))) {
    return [
      {
        name: 'database',
        ok: false,
        detail: `no embedded database in ${config.dataDir}: if this install uses Postgres, set DATABASE_URL as the server has it; else check WASAP_DATA_DIR, or create one (npm start, or \`wasap migrate\`)`,
      },
    ];
  }
  let database: Database | undefined;
  const reach = await runCheck('database', async () => {
    database = await openDatabase({ databaseUrl: config.databaseUrl, prepare: config.databasePrepare, pgliteDir: pgliteDir(config), role: 'wasap doctor' });
    await database.ping();
    return { ok: true, detail: `${database.describe} is reachable` };
  });
  // Unreachable: nothing more can be said of migrations or users (and "no users" would be wrong advice).
  if (!reach.ok) await database?.close().catch(() => {});
  if (!database || !reach.ok) return [reach];
  const db = database;
  try {
    const migrations = await runCheck('migrations', async () => migrationsResult(await db.migrationStatus()));
    const users = await runCheck('users', async () => usersResult(migrations.ok ? await countUsers(db.db) : 0));
    const checks = [reach, migrations, users];
    if (migrations.ok) checks.push(await runCheck('secret', () => secretCheck(db, config)));
    if (config.databaseUrl) checks.push(await runCheck('maintenance', () => maintenanceCheck(db)));
    return checks;
  } finally {
    await db.close();
  }
}

/**
 * The WASAP_SECRET this environment gives a server (or the data folder's generated one; doctor never creates it)
 * against the fingerprint the database recorded: a mismatch is a server that would refuse to start here.
 */
async function secretCheck(database: Database, config: Config): Promise<Omit<CheckResult, 'name'>> {
  const recorded = await recordedSecretFingerprint(database.db);
  if (!recorded) return { ok: true, detail: 'not recorded yet: the first server start records its fingerprint' };
  const secret = configuredSecret(config);
  if (!secret) return { ok: false, detail: 'WASAP_SECRET is unset and the data folder has no secret: set the WASAP_SECRET the other processes use' };
  if (secretFingerprint(secret) === recorded) return { ok: true, detail: "WASAP_SECRET matches the database's" };
  return {
    ok: false,
    detail: 'WASAP_SECRET differs from the one this database was set up with: a server started so refuses to start; use the same secret as the other processes (README, "Changing WASAP_SECRET")',
  };
}

/**
 * Every message updates its conversation's row and indexes: without autovacuum, tables bloat and — never analysed —
 * the planner's estimates go stale. The server then runs its own passes (server/db/maintenance); worth a warning,
 * not a failure.
 */
async function maintenanceCheck(database: Database): Promise<Omit<CheckResult, 'name'>> {
  const result = await database.db.execute(sql`select current_setting('autovacuum') as autovacuum`);
  const [row] = rowsOf<{ autovacuum: string }>(result);
  if (row?.autovacuum === 'on') return { ok: true, detail: 'autovacuum is on' };
  return {
    ok: true,
    warn: true,
    detail: 'autovacuum is off on this Postgres: the server vacuums and analyses on its own schedule, but autovacuum keeps up better under load; set autovacuum = on',
  };
}

/**
 * Asks the configured provider whether our credentials work: Twilio for the account, Meta's Graph API for the business
 * number (`GET /{phone-number-id}?fields=display_phone_number,verified_name`). 200 means they do.
 */
async function whatsappCheck(config: Config): Promise<CheckResult> {
  if (config.meta) return metaCheck(config.meta);
  const twilio = config.twilio;
  if (!twilio) return { name: 'whatsapp', ok: true, detail: 'simulator (no TWILIO_* or META_* settings)' };
  return runCheck('whatsapp', async () => {
    const base = (twilio.apiUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
    const response = await fetch(`${base}/2010-04-01/Accounts/${twilio.accountSid}.json`, {
      headers: { authorization: `Basic ${btoa(`${twilio.accountSid}:${twilio.authToken}`)}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 401) return { ok: false, detail: 'Twilio refused the credentials (401): check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN' };
    if (!response.ok) return { ok: false, detail: `Twilio answered HTTP ${response.status}` };
    return { ok: true, detail: `Twilio account ${twilio.accountSid.slice(0, 6)}… reachable, sender ${twilio.whatsappFrom ?? twilio.messagingServiceSid}` };
  });
}

async function metaCheck(meta: NonNullable<Config['meta']>): Promise<CheckResult> {
  return runCheck('whatsapp', async () => {
    const url = `${meta.graphUrl}/${meta.apiVersion}/${meta.phoneNumberId}?fields=display_phone_number,verified_name`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${meta.accessToken}` }, signal: AbortSignal.timeout(10_000) });
    if (response.status === 401 || response.status === 403)
      return { ok: false, detail: `Meta refused the token (HTTP ${response.status}): check META_ACCESS_TOKEN and its whatsapp_business_messaging permission` };
    if (!response.ok) return { ok: false, detail: `Meta's Graph API answered HTTP ${response.status} for META_PHONE_NUMBER_ID ${meta.phoneNumberId}` };
    const number = (await response.json().catch(() => ({}))) as { display_phone_number?: unknown };
    const shown = typeof number.display_phone_number === 'string' ? number.display_phone_number.slice(0, 40) : 'unnamed';
    const templates = meta.wabaId ? '' : '; META_WABA_ID unset, so templates are not synced';
    return { ok: true, warn: !meta.wabaId, detail: `Meta Cloud API reachable, business number ${shown} (${meta.apiVersion})${templates}` };
  });
}

async function mediaCheck(config: Config): Promise<CheckResult> {
  return runCheck('media', async () => {
    if (!config.s3 && !existsSync(config.dataDir)) return { ok: false, detail: `local folder ${mediaDir(config)}: its data folder does not exist` };
    const store = createBlobStore({ s3: config.s3, mediaDir: mediaDir(config) });
    await store.check();
    if (config.s3) return { ok: true, detail: `S3 bucket ${config.s3.bucket} reachable` };
    // Each process keeps its own folder: a photo received by one is missing on the others (README, "Several processes").
    if (config.databaseUrl)
      return {
        ok: true,
        warn: true,
        detail: `local folder ${mediaDir(config)} writable, but on Postgres with several server processes each keeps its own media folder and the others cannot show what it received: set S3_BUCKET (and S3_*) for every process`,
      };
    return { ok: true, detail: `local folder ${mediaDir(config)} writable` };
  });
}

export async function runDoctor(io: CliIO): Promise<CheckResult[]> {
  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [{ name: 'configuration', ok: false, detail: error.message }];
  }
  const results = [{ name: 'configuration', ok: true, detail: 'valid' }, await runCheck('data folder', dataDirCheck(config))];
  results.push(...(await databaseChecks(io, config)), await whatsappCheck(config), await mediaCheck(config));
  return results;
}

export function registerDoctor(program: Command, io: CliIO): void {
  program
    .command('doctor')
    .description('check configuration, database, migrations and services; exits non-zero if any check fails')
    .action(async function doctor() {
      const results = await runDoctor(io);
      for (const r of results) io.out(`${r.ok ? (r.warn ? 'WARN' : 'ok  ') : 'FAIL'}  ${r.name.padEnd(14)} ${r.detail}\n`);
      const failed = results.filter((r) => !r.ok).length;
      if (failed) throw new CLIError(`${failed} check(s) failed`, 1);
    });
}
