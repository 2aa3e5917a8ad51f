/**
 * @module test/support/cluster-nodes — several processes' services on one throwaway Postgres database, inside the
 * test process (test/cluster/ runs real processes): each with its own data folder, the same WASAP_SECRET and its own
 * CLUSTER_NODE_ID; heartbeats 20 s apart by default, so within a test only what the test does moves the leases.
 */
import { loadConfig } from '../../server/config';
import { openDatabase, type Database } from '../../server/db/client';
import { createLogger } from '../../server/logger';
import { createMetrics } from '../../server/metrics';
import { buildServices, type Services } from '../../server/wiring';
import { freshPostgresUrl } from './db';
import { tempDir } from './temp';

/** Polls `check` every 20 ms until it holds (no fixed sleeps). @throws Error after `ms` */
export async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await Bun.sleep(20);
  }
}

export interface ClusterNode {
  database: Database;
  services: Services;
  dir: ReturnType<typeof tempDir>;
}

/** A fresh database (created at `open`) and the nodes started on it; `close` stops them, last first, and drops it. */
export function clusterNodes(env: Record<string, string> = {}) {
  let scratch: Awaited<ReturnType<typeof freshPostgresUrl>> | undefined;
  const nodes: ClusterNode[] = [];
  return {
    nodes,
    async open(): Promise<void> {
      scratch = await freshPostgresUrl();
    },
    /** Starts node `name` (migrating first, a no-op once done). */
    async start(name: string): Promise<ClusterNode> {
      const url = scratch!.url;
      const dir = tempDir('wasap-node-');
      const config = loadConfig({ DATABASE_URL: url, WASAP_DATA_DIR: dir.path, WASAP_SECRET: 's'.repeat(40), CLUSTER_NODE_ID: name, CLUSTER_LEASE_MS: '60000', CLUSTER_HEARTBEAT_MS: '20000', ...env });
      const database = await openDatabase({ databaseUrl: url });
      await database.migrate();
      const services = buildServices({ config, database, logger: createLogger('silent'), metrics: createMetrics(), bot: false, timerPollMs: 0 });
      await services.start();
      const node = { database, services, dir };
      nodes.push(node);
      return node;
    },
    /** Stops one node and forgets it. */
    async stop(node: ClusterNode): Promise<void> {
      await node.services.stop();
      await node.database.close();
      node.dir[Symbol.dispose]();
      nodes.splice(nodes.indexOf(node), 1);
    },
    async close(): Promise<void> {
      for (const node of [...nodes].reverse()) await this.stop(node);
      await scratch?.drop();
    },
  };
}
