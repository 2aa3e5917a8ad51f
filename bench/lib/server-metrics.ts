/** @module bench/lib/server-metrics — one value from the server's /metrics (Prometheus text), for the benches that wait on it. */

/** The first sample of `name` (any labels); undefined when the server does not answer or has no such metric. */
export async function readMetric(url: string, name: string): Promise<number | undefined> {
  const text = await fetch(url + '/metrics').then(
    (r) => r.text(),
    () => '',
  );
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
