/** @module server/metrics — the Prometheus registry (prom-client); later features register their own counters here. */
import client from 'prom-client';

export interface Metrics {
  readonly registry: client.Registry;
  readonly httpRequests: client.Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: client.Histogram<'method' | 'route' | 'status'>;
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): client.Counter<L>;
  gauge<L extends string>(name: string, help: string, collect?: () => number, labelNames?: readonly L[]): client.Gauge<L>;
  render(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  // Process memory, CPU and event-loop figures from prom-client's defaults.
  client.collectDefaultMetrics({ register: registry, prefix: 'wasap_' });
  const httpRequests = new client.Counter({
    name: 'wasap_http_requests_total',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new client.Histogram({
    name: 'wasap_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    httpRequests,
    httpDuration,
    counter(name, help, labelNames = []) {
      return new client.Counter({ name, help, labelNames, registers: [registry] });
    },
    gauge(name, help, collect, labelNames = []) {
      return new client.Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        ...(collect
          ? {
              collect(this: client.Gauge) {
                this.set(collect());
              },
            }
          : {}),
      });
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
