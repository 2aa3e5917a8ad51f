/**
 * @module cli/cluster — `wasap cluster status [--json]`: the processes sharing one Postgres, the shards each holds,
 * how long their leases have left, and the shards whose oldest unprocessed event waits too long. Read through the
 * admin API when WASAP_URL / WASAP_API_TOKEN name a server, else straight from DATABASE_URL (read-only, nothing
 * migrated); an embedded (PGlite) install is one process and says so, with what cluster mode needs and how to point
 * the command at a cluster.
 */
import type { Command } from 'commander';
import { clusterStatus, SINGLE_STATUS, type ClusterStatus, type SingleStatus } from '../server/cluster/status';
import { adminApi, call } from './api';
import { configFrom, withDatabase } from './context';
import type { CliIO } from './io';
import { renderTable } from './table';

type Status = (ClusterStatus | SingleStatus) & { answeredBy?: string | null };

// Eden hands ISO strings back as Dates although their type says string: both are read through new Date().

/** 850 → `850 ms`, 2_100 → `2.1 s`, 192_000 → `3.2 min`, larger in hours; negative (an expired lease) keeps its sign. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs < 1_000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1_000).toFixed(1)} s`;
  if (abs < 3_600_000) return `${sign}${(abs / 60_000).toFixed(1)} min`;
  return `${sign}${(abs / 3_600_000).toFixed(1)} h`;
}

async function fetchStatus(io: CliIO): Promise<Status> {
  if (io.env.WASAP_URL?.trim() || io.env.WASAP_API_TOKEN?.trim()) {
    const api = await adminApi(io);
    return call('cluster status', () => api.api.admin.cluster.get()) as Promise<Status>;
  }
  const config = configFrom(io);
  // The embedded database is one process by construction: nothing to open to know it.
  if (!config.databaseUrl) return SINGLE_STATUS;
  return withDatabase(io, 'wasap cluster status', (database) => clusterStatus(database.db, { leaseMs: config.cluster.leaseMs }), false);
}

/**
 * What the command prints for an embedded install: one process, why (no DATABASE_URL), and how to see a cluster.
 * `server` is the WASAP_URL that answered, or undefined when the command read its own configuration.
 */
export function singleProcessText(server: string | undefined): string {
  const where = server
    ? `the server at ${server} uses the embedded database (PGlite, no DATABASE_URL) and serves every conversation alone`
    : 'no DATABASE_URL here, so this is the embedded database (PGlite), which one process serves alone';
  return (
    `single process: ${where}; there is no cluster.\n` +
    'Cluster mode needs DATABASE_URL set to one Postgres database, the same for every server process. ' +
    "To see a cluster's status, run this command with that same DATABASE_URL, or with WASAP_URL and WASAP_API_TOKEN naming one of its processes.\n"
  );
}

function render(status: ClusterStatus, answeredBy: string | null | undefined): string {
  const { shards } = status;
  const alive = status.nodes.filter((n) => n.alive).length;
  const silent = status.nodes.length - alive;
  const lines = [
    `${alive} process${alive === 1 ? '' : 'es'} alive${silent ? ` (${silent} not heard from, removed a minute and a lease after its last heartbeat)` : ''}; ${shards.total} shards: ${shards.owned} owned, ${shards.expired} with a lapsed lease, ${shards.unowned} unowned (database time ${new Date(status.at).toISOString().slice(0, 19).replace('T', ' ')} UTC)\n`,
  ];
  const leaseOf = new Map(status.leases.map((l) => [l.owner, l]));
  const left = (owner: string) => {
    const lease = leaseOf.get(owner);
    return lease ? `${duration(lease.minRemainingMs)} – ${duration(lease.maxRemainingMs)}` : '-';
  };
  if (status.nodes.length) {
    lines.push(
      renderTable(
        ['PROCESS', 'HOST', 'PID', 'URL', 'STARTED', 'HEARTBEAT', 'SHARDS', 'LEASE LEFT', 'STATE'],
        status.nodes.map((n) => [
          n.id === answeredBy ? `${n.id} *` : n.id,
          n.host,
          String(n.pid),
          n.url ?? '-',
          new Date(n.startedAt).toISOString().slice(0, 16).replace('T', ' '),
          `${duration(n.heartbeatAgeMs)} ago`,
          String(n.shards),
          left(n.id),
          n.draining ? 'draining' : n.alive ? 'alive' : 'not alive (no heartbeat)',
        ]),
      ),
    );
  }
  // Leases still held by a process whose row is gone (killed, its row removed): they lapse and are claimed again.
  const orphans = status.leases.filter((l) => !status.nodes.some((n) => n.id === l.owner));
  if (orphans.length) {
    lines.push('leases of processes no longer registered:\n');
    lines.push(
      renderTable(
        ['OWNER', 'SHARDS', 'LAPSED', 'LEASE LEFT'],
        orphans.map((l) => [l.owner, String(l.shards), String(l.expired), left(l.owner)]),
      ),
    );
  }
  const threshold = duration(status.lagThresholdMs);
  if (status.laggingTotal === 0) lines.push(`no lagging shards (no unprocessed event older than ${threshold})\n`);
  else {
    const shown = status.lagging.length < status.laggingTotal ? `, the ${status.lagging.length} worst shown` : '';
    lines.push(`${status.laggingTotal} lagging shard${status.laggingTotal === 1 ? '' : 's'} (oldest unprocessed event older than ${threshold}${shown}):\n`);
    lines.push(
      renderTable(
        ['SHARD', 'OWNER', 'UNPROCESSED', 'OLDEST'],
        status.lagging.map((l) => [String(l.shard), l.owner ?? '(none)', String(l.unprocessed), duration(l.oldestAgeMs)]),
      ),
    );
  }
  return lines.join('');
}

export function registerCluster(program: Command, io: CliIO): void {
  const group = program.command('cluster').description('several server processes on one Postgres: processes, shard leases, lagging shards');
  group
    .command('status')
    .description('processes, shards per process, lease ages and lagging shards (* marks the process that answered)')
    .option('--json', 'print JSON')
    .action(async function status(opts: { json?: boolean }) {
      const found = await fetchStatus(io);
      if (opts.json) return io.out(`${JSON.stringify(found, null, 2)}\n`);
      if (found.mode === 'single') return io.out(singleProcessText(io.env.WASAP_URL?.trim() || undefined));
      io.out(render(found, found.answeredBy));
    });
}
