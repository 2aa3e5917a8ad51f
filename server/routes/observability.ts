/** @module server/routes/observability — one JSON log line and the HTTP metrics per request, and the error mapper. */
import { Elysia } from 'elysia';
import { handleError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

const started = new WeakMap<Request, number>();
/** The status an error was answered with: `set.status` does not see a Response returned by onError. */
const failedWith = new WeakMap<Request, number>();

/** Route patterns, not paths, label logs and metrics: a path can carry a token or a phone number. */
export function observability(deps: { logger: Logger; metrics: Metrics }) {
  const { logger, metrics } = deps;
  return new Elysia({ name: 'observability' })
    .onRequest(function stampStart({ request }) {
      started.set(request, performance.now());
    })
    .onError({ as: 'global' }, function mapError({ code, error, request }) {
      const response = handleError(logger, request, code, error);
      failedWith.set(request, response.status);
      return response;
    })
    .onAfterResponse({ as: 'global' }, function recordRequest({ request, route, set }) {
      const begin = started.get(request);
      const seconds = begin === undefined ? 0 : (performance.now() - begin) / 1000;
      const labels = { method: request.method, route: route || 'unmatched', status: String(failedWith.get(request) ?? set.status ?? 200) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      logger.info('request', { ...labels, ms: Math.round(seconds * 10_000) / 10 });
    });
}
