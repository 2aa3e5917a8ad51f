/**
 * @module test/cluster/rolling-restart.test — all three processes restarted one after another under steady load,
 * behind the test's own balancer (it sends only to processes whose last /readyz probe answered 200): no webhook
 * refused by such a process, none lost, each conversation still in order.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { closeClusters, startCluster, type ClusterNode } from '../support/cluster';
import { connect } from '../support/live';
import { outOfOrder, phone, sendInOrder, sendsAtTwilio, settledMessages, welcomesSent } from './traffic';

afterAll(closeClusters);

/** Probes every process's /readyz every `everyMs`, as a load balancer's health check does, and routes round-robin over the ready ones. */
function balancer(nodes: ClusterNode[], everyMs: number) {
  const ready = new Map(nodes.map((node) => [node.id, true]));
  let turn = 0;
  let running = true;
  const probing = (async () => {
    while (running) {
      await Promise.all(nodes.map(async (node) => ready.set(node.id, await node.ready())));
      await Bun.sleep(everyMs);
    }
  })();
  return {
    pick(): ClusterNode | undefined {
      const candidates = nodes.filter((node) => ready.get(node.id));
      return candidates.length ? candidates[turn++ % candidates.length] : undefined;
    },
    isReady: (node: ClusterNode) => ready.get(node.id) === true,
    async stop() {
      running = false;
      await probing;
    },
  };
}

describe('cluster rolling restart', () => {
  test('SIGTERM, wait for the exit, start again, wait for /readyz, next: 0 webhooks refused by a ready process, 0 lost', async () => {
    await using cluster = await startCluster({ n: 3, env: { SHUTDOWN_GRACE_MS: '1500' } });
    const lb = balancer(cluster.nodes, 100);
    let done = false;
    const keys = Array.from({ length: 30 }, (_, i) => phone(5, i));
    const refusedWhileReady: string[] = [];
    const load = sendInOrder(cluster, {
      keys,
      perConversation: 1_000_000,
      concurrency: keys.length,
      pauseMs: 100,
      route: () => lb.pick(),
      onFailure(node, failure) {
        // Only ready processes are picked: any refusal is one the balancer could not have avoided.
        refusedWhileReady.push(`${node.id}: ${failure}`);
      },
      until: () => done,
    });
    const restarted: { id: string; exitCode: number }[] = [];
    for (const node of cluster.nodes) {
      // A recruiter's tab is connected to each process as it stops: the stop closes it (the page reconnects elsewhere).
      const socket = await connect(node.url, cluster.admin);
      node.kill('SIGTERM');
      // A failed stop prints the process's last lines (test/support/cluster).
      restarted.push({ id: node.id, exitCode: await node.exited() });
      expect(await socket.closed).toBeGreaterThan(0);
      await node.restart();
      await cluster.waitFor(`the balancer sees ${node.id} ready`, () => lb.isReady(node), 10_000);
    }
    done = true;
    const { acks } = await load;
    await lb.stop();
    expect(refusedWhileReady).toEqual([]);
    expect(acks.length).toBeGreaterThan(500);
    const stored = await settledMessages(cluster, keys, acks.length);
    expect(stored.total).toBe(acks.length);
    expect(stored.duplicates).toEqual([]);
    expect(outOfOrder(stored, acks)).toEqual([]);
    await welcomesSent(cluster, 30);
    expect(sendsAtTwilio(cluster).repeated).toEqual([]);
    expect([...sendsAtTwilio(cluster).welcomes.values()].filter((n) => n !== 1)).toEqual([]);
    // Last, so the checks above still report when a stop fails: each process stopped cleanly (exit 0).
    expect(restarted).toEqual(cluster.nodes.map((node) => ({ id: node.id, exitCode: 0 })));
  });
});
