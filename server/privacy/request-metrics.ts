/**
 * @module server/privacy/request-metrics — /metrics gauges of data-subject requests (Law 1581 Arts. 14–15), computed
 * at scrape time from one grouped query on the open requests (data_subject_requests_open_idx):
 * - `wasap_data_requests_open{category}`: requests still to be answered, queries and claims;
 * - `wasap_data_requests_overdue`: of those, the ones whose day to answer (the extended one once extended) has passed;
 * - `wasap_data_requests_tag_overdue`: claims not tagged "reclamo en trámite" within their 2 business days.
 * One scrape runs the query once (the three gauges share it for a second).
 */
import client from 'prom-client';
import type { Db } from '../db/client';
import type { Metrics } from '../metrics';
import { requestCounts } from './request-queries';

type Counts = Awaited<ReturnType<typeof requestCounts>>;
const NAMES = ['wasap_data_requests_open', 'wasap_data_requests_overdue', 'wasap_data_requests_tag_overdue'] as const;

/** Registers the gauges on `metrics.registry` (replacing earlier ones of the same names: one app per registry counts). */
export function registerRequestGauges(metrics: Metrics, db: Db, now: () => number): void {
  let last: { at: number; counts: Promise<Counts> } | undefined;
  function counts(): Promise<Counts> {
    const at = Date.now();
    if (!last || at - last.at > 1000) last = { at, counts: requestCounts(db, new Date(now())) };
    return last.counts;
  }
  const registers = [metrics.registry];
  for (const name of NAMES) metrics.registry.removeSingleMetric(name);
  new client.Gauge({
    name: NAMES[0],
    help: 'Open data-subject requests (Law 1581), by category: query (Art. 14) or claim (Art. 15)',
    labelNames: ['category'] as const,
    registers,
    async collect() {
      const rows = await counts();
      for (const category of ['query', 'claim']) this.set({ category }, rows.find((row) => row.category === category)?.open ?? 0);
    },
  });
  new client.Gauge({
    name: NAMES[1],
    help: 'Open data-subject requests past their legal due day (Colombian business days, extended day once extended)',
    registers,
    async collect() {
      this.set((await counts()).reduce((sum, row) => sum + row.overdue, 0));
    },
  });
  new client.Gauge({
    name: NAMES[2],
    help: "Claims not tagged 'reclamo en trámite' within 2 business days of receipt (Law 1581 Art. 15)",
    registers,
    async collect() {
      this.set((await counts()).reduce((sum, row) => sum + row.tagOverdue, 0));
    },
  });
}
