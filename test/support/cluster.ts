/**
 * @module test/support/cluster — several real server processes (`bun server/main.ts`) on one fresh Postgres
 * database, with a fake Twilio and a signed-in admin, for the cluster suite (test/cluster) and its benchmark.
 *
 * `startCluster({ n })` creates a uniquely named database on TEST_DATABASE_URL's server, migrates it once, seeds an
 * admin, and starts n processes `n1`…`nN` (CLUSTER_NODE_ID), each on its own port and data folder, sharing the
 * secret, PUBLIC_URL and Twilio settings, with WASAP_AUTO_MIGRATE=false. It resolves once every /readyz answers 200.
 * `close()` (or `await using`) kills every process, stops the fake, drops the database (and the audit roles) and
 * removes the folders; `closeClusters()` does the same for every cluster still open (an `afterAll` for a test that
 * failed before its own cleanup), and the processes are killed when the test process exits whatever happens.
 *
 * With `audit: true` each process connects as its own Postgres role (`<db>_n1`…), and a trigger records every
 * INSERT into `messages` and `conversations` in `cluster_audit` (writer, the row's shard and that shard's lease
 * owner when the row was written): the fencing test reads who wrote what without a column in the product's schema.
 * The trigger's row commits with the write it records, so only committed writes appear.
 */
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { createSession } from '../../server/auth/sessions';
import { openDatabase } from '../../server/db/client';
import { insertUser } from '../../server/db/queries/users';
import { computeTwilioSignature } from '../../server/whatsapp/signature';
import { AUDIT_SQL } from './cluster-audit';
import { freshPostgresUrl } from './db';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio';
import type { Person } from './live';
import { spawnBun } from './process';
import { PUBLIC_URL, twilioEnv, twilioTextFields } from './twilio-env';

export interface ClusterOptions {
  /** Processes to start (1–9). */
  n: number;
  /** Extra environment for every process (overrides the defaults below). */
  env?: Record<string, string>;
  /** Record who wrote each message and conversation row (see the module comment). */
  audit?: boolean;
  /** Where to create the database; default TEST_DATABASE_URL. */
  adminUrl?: string;
}

export interface ClusterNode {
  /** CLUSTER_NODE_ID: n1, n2, … */
  readonly id: string;
  /** http://127.0.0.1:<port>; the port stays the same across restarts. */
  readonly url: string;
  /** The current process's pid. */
  readonly pid: number;
  /** Every output line of every run of this node, in order. */
  readonly lines: string[];
  /** True until the current process has exited. */
  running(): boolean;
  /** Sends a signal to the current process (SIGKILL, SIGSTOP, SIGCONT, SIGTERM…) without waiting. */
  kill(signal: NodeJS.Signals): void;
  /** Resolves with the current process's exit code (or the signal's number + 128). */
  exited(): Promise<number>;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number>;
  /** Stops the process if it runs, starts it again on the same port, resolves once its /readyz answers 200. */
  restart(): Promise<void>;
  /** One probe of /readyz: true on 200, false on any other answer or a refused connection. */
  ready(): Promise<boolean>;
  /** The first line (already printed by any run, or still to come) that matches. */
  waitForLine(match: (line: string) => boolean): Promise<string>;
}

export interface Cluster extends AsyncDisposable {
  readonly databaseUrl: string;
  /** A client of the cluster's database for the test's own queries (2 connections). */
  readonly sql: postgres.Sql;
  readonly twilio: FakeTwilio;
  readonly nodes: ClusterNode[];
  /** An admin with a session (cookie and CSRF token), for /live sockets. */
  readonly admin: Person;
  /** POSTs an aspirant's WhatsApp message to `node`'s /webhooks/twilio, signed as Twilio signs it (over PUBLIC_URL). */
  webhook(node: ClusterNode, from: string, body: string, sid?: string): Promise<Response>;
  /** Polls `predicate` every 50 ms until it holds; throws naming `what` once `timeoutMs` passed. */
  waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const open = new Set<Cluster>();
const children = new Set<Bun.Subprocess>();
// Whatever ends the test process (a failure, a timeout, an exception), no server outlives it.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Closes every cluster not closed yet: `afterAll(closeClusters)` in each cluster test file. */
export async function closeClusters(): Promise<void> {
  await Promise.all([...open].map((cluster) => cluster.close()));
}

let sidCounter = 0;
/** A unique Twilio-shaped MessageSid (SM + 32 hex). */
export function clusterSid(): string {
  return `SM${(++sidCounter).toString(16).padStart(8, '0')}${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** The fields Twilio posts for a WhatsApp text from `from` (+E164). */
export function inboundFields(accountSid: string, from: string, body: string, sid: string): Record<string, string> {
  return twilioTextFields(accountSid, from, body, sid, 'Aspirante');
}

async function prepareDatabase(url: string): Promise<Person> {
  const database = await openDatabase({ databaseUrl: url, maxConnections: 1 });
  try {
    await database.migrate();
    const user = await insertUser(database.db, { email: 'admin@agency.co', name: 'Admin', role: 'admin', passwordHash: 'x' });
    const session = await createSession(database.db, user.id, new Date());
    return { id: user.id, name: 'Admin', email: user.email, cookie: `wasap_session=${session.token}`, csrf: session.csrfToken };
  } finally {
    await database.close();
  }
}

/** The URL of the same database as another role. */
function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = role;
  return u.toString();
}

/** A port free now (a benchmark's processes log no "listening" line, so they are told their port). */
function freePort(): number {
  const probe = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() });
  const port = probe.port ?? 0;
  void probe.stop(true);
  return port;
}

function startNode(id: string, env: Record<string, string>): ClusterNode & { launched: Promise<void> } {
  /** The output lines of each run, oldest run first. */
  const runs: string[][] = [];
  let child: ReturnType<typeof spawnBun>;
  let url = '';
  // The address is logged at info only: quieter processes (a benchmark's) get a free port picked here instead.
  const logsListening = ['info', 'debug'].includes(env.LOG_LEVEL ?? 'info');
  let port = logsListening ? '0' : String(freePort());
  /** The signal the test sent to end the current process, if any. */
  let signalled: NodeJS.Signals | undefined;
  async function launch(): Promise<void> {
    child = spawnBun(['server/main.ts'], { ...env, PORT: port });
    const proc = child.proc;
    const lines = child.lines;
    signalled = undefined;
    children.add(proc);
    // A process that ends unasked (a crash, the shutdown deadline) says so with its last lines: the test's own
    // failure is often only a refused connection later.
    void child.exited.then((code) => {
      children.delete(proc);
      if (signalled === 'SIGKILL' || (signalled && code === 0)) return;
      const tail = lines.filter((line) => !line.includes('"msg":"request"')).slice(-20);
      process.stderr.write(`[cluster] ${id} (pid ${proc.pid}) exited ${code}${signalled ? ` after ${signalled}` : ' unasked'}; its last lines:\n${tail.join('\n')}\n`);
    });
    runs.push(lines);
    if (!logsListening) return void (url = `http://127.0.0.1:${port}`);
    const line = await child.waitForLine((l) => l.includes('"msg":"listening"'));
    url = (JSON.parse(line) as { url: string }).url;
    port = new URL(url).port;
  }
  const node: ClusterNode & { launched: Promise<void> } = {
    id,
    launched: Promise.resolve(),
    get url() {
      return url;
    },
    get pid() {
      return child.proc.pid;
    },
    get lines() {
      return runs.flat();
    },
    running: () => child.proc.exitCode === null && child.proc.signalCode === null,
    kill(signal) {
      if (!node.running()) return;
      if (signal !== 'SIGSTOP' && signal !== 'SIGCONT') signalled = signal;
      process.kill(child.proc.pid, signal);
    },
    exited: () => child.exited,
    async stop() {
      node.kill('SIGTERM');
      return node.exited();
    },
    async restart() {
      if (node.running()) await node.stop();
      await launch();
      await waitReady(node);
    },
    ready: () =>
      fetch(`${url}/readyz`).then(
        (r) => (void r.body?.cancel(), r.status === 200),
        () => false,
      ),
    waitForLine(match) {
      const seen = node.lines.find(match);
      return seen !== undefined ? Promise.resolve(seen) : child.waitForLine(match);
    },
  };
  node.launched = launch();
  return node;
}

async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(50);
  }
}

async function waitReady(node: ClusterNode, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `${node.id} /readyz 200`,
    async () => {
      if (!node.running()) throw new Error(`${node.id} exited before it was ready:\n${node.lines.slice(-30).join('\n')}`);
      return node.ready();
    },
    timeoutMs,
  );
}

/** Starts a cluster as described in the module comment; on any failure what was started is cleaned up. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const adminUrl = options.adminUrl ?? process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('the cluster suite needs TEST_DATABASE_URL (a Postgres server it may create databases on)');
  const fresh = await freshPostgresUrl(adminUrl, 'wasap_cluster');
  const dbName = new URL(fresh.url).pathname.slice(1);
  const twilio = startFakeTwilio();
  const dirs: string[] = [];
  const roles: string[] = [];
  const nodes: (ClusterNode & { launched: Promise<void> })[] = [];
  const sql = postgres(fresh.url, { max: 2, onnotice: () => {} });
  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    closing ??= (async () => {
      open.delete(cluster);
      for (const node of nodes) node.kill('SIGKILL');
      await Promise.all(nodes.map((node) => node.exited().catch(() => 0)));
      await sql.end({ timeout: 1 }).catch(() => {});
      await fresh.drop().catch((error: unknown) => process.stderr.write(`[cluster] could not drop ${dbName}: ${String(error)}\n`));
      if (roles.length) {
        const admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
        for (const role of roles) await admin.unsafe(`drop role if exists "${role}"`).catch(() => {});
        await admin.end();
      }
      await twilio.stop().catch(() => {});
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    })();
    return closing;
  }
  const cluster: Cluster = {
    databaseUrl: fresh.url,
    sql,
    twilio,
    nodes,
    admin: undefined as unknown as Person,
    webhook(node, from, body, sid = clusterSid()) {
      const fields = inboundFields(twilio.accountSid, from, body, sid);
      const signature = computeTwilioSignature(twilio.authToken, `${PUBLIC_URL}/webhooks/twilio`, fields);
      return fetch(`${node.url}/webhooks/twilio`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(fields).toString(),
      });
    },
    waitFor,
    close,
    [Symbol.asyncDispose]: close,
  };
  open.add(cluster);
  try {
    Object.assign(cluster, { admin: await prepareDatabase(fresh.url) });
    if (options.audit) {
      for (let i = 1; i <= options.n; i++) roles.push(`${dbName}_n${i}`);
      for (const role of roles) await sql.unsafe(`create role "${role}" login superuser`);
      await sql.unsafe(AUDIT_SQL);
    }
    const secret = `cluster-secret-${crypto.randomUUID()}`;
    for (let i = 1; i <= options.n; i++) {
      const dir = mkdtempSync(join(tmpdir(), `wasap-cluster-n${i}-`));
      dirs.push(dir);
      const env: Record<string, string> = {
        ...twilioEnv(twilio),
        DATABASE_URL: options.audit ? asRole(fresh.url, roles[i - 1]!) : fresh.url,
        HOST: '127.0.0.1',
        WASAP_AUTO_MIGRATE: 'false',
        WASAP_DATA_DIR: dir,
        WASAP_SECRET: secret,
        CLUSTER_LEASE_MS: '2000',
        CLUSTER_NODE_ID: `n${i}`,
        SHUTDOWN_GRACE_MS: '1500',
        LOG_LEVEL: 'info',
        ...options.env,
      };
      nodes.push(startNode(`n${i}`, env));
    }
    await Promise.all(nodes.map((node) => node.launched));
    await Promise.all(nodes.map((node) => waitReady(node)));
    return cluster;
  } catch (error) {
    await close();
    throw error;
  }
}
