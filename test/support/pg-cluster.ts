/**
 * @module test/support/pg-cluster — a throwaway Postgres cluster of the test's own (initdb + pg_ctl on a free
 * port under a temp folder), for fault tests that stop and start the database. The machine's shared cluster is
 * never touched. Suites skip, loudly, where no Postgres binaries are installed.
 */
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp';

/** The newest `/usr/lib/postgresql/<version>/bin` with initdb and pg_ctl (Debian's layout), or undefined. */
function findBinDir(): string | undefined {
  if (process.env.WASAP_PG_BIN) return process.env.WASAP_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

export const pgBinDir = findBinDir();
export const clusterAvailable = pgBinDir !== undefined;
if (!clusterAvailable) console.warn('database fault tests skipped: no Postgres server binaries (initdb, pg_ctl) under /usr/lib/postgresql');

export interface PgCluster extends AsyncDisposable {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  /** Fast shutdown (`pg_ctl stop -m fast`): open connections are terminated; resolves once the server is down. */
  stop(): Promise<void>;
  /** Starts it again on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel with port 0, then released). */
function freePort(): number {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/** root cannot run initdb: as root the binaries run as the `postgres` user; as anyone else, as themselves. */
function asOwner(argv: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...argv] : argv;
}

async function run(argv: string[]): Promise<void> {
  const proc = Bun.spawn(asOwner(argv), { stdout: 'pipe', stderr: 'pipe' });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}: ${await new Response(proc.stderr).text()}`);
}

/**
 * initdb (trust auth) and start: fsync off for a test cluster, or with Postgres's stock settings when `stock`
 * (fsync, full-page writes and autovacuum on, as a deployment runs it: the ingest bench's `--cluster`). Throws when
 * the binaries are missing or a step fails. Dispose it (`await using`) to stop it and remove its folder.
 */
export async function startPgCluster(options: { stock?: boolean } = {}): Promise<PgCluster> {
  if (!pgBinDir) throw new Error('no Postgres server binaries on this machine');
  const dir = tempDir('wasap-pgcluster-');
  if (process.getuid?.() === 0) chownSync(dir.path, Number(Bun.spawnSync(['id', '-u', 'postgres']).stdout.toString().trim()), 0);
  const data = join(dir.path, 'data');
  const port = freePort();
  const bin = (name: string) => join(pgBinDir!, name);
  await run([bin('initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const settings = `-p ${port} -k ${dir.path} -c listen_addresses=127.0.0.1${options.stock ? '' : ' -c fsync=off -c full_page_writes=off'}`;
  const pgCtl = (...args: string[]) => run([bin('pg_ctl'), '-D', data, '-o', settings, '-l', join(dir.path, 'log'), '-w', '-t', '30', ...args]);
  await pgCtl('start');
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await pgCtl('stop', '-m', 'fast');
      running = false;
    },
    async start() {
      await pgCtl('start');
      running = true;
    },
    async [Symbol.asyncDispose]() {
      if (running) await pgCtl('stop', '-m', 'immediate').catch(() => {});
      dir[Symbol.dispose]();
    },
  };
}
