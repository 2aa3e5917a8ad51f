/** @module server/routes/observability — one JSON log line and the HTTP metrics per request, and the error mapper. */
import { Elysia } from 'elysia';
import { handleError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

const started = new WeakMap<Request, number>();
/** The status an error was answered with: `set.status` does not see a Response returned by onError. */
const failedWith = new WeakMap<Request, number>();

/**
 * Route patterns, not paths, label logs and metrics: a path can carry a token or a phone number.
 * The clock starts once the route is matched (transform), not on arrival: an `onRequest` hook takes every
 * request off Bun's native route matching and cost more per webhook than the whole signature check
 * (bench/http-tax). Unmatched requests (404) are counted and logged without a duration.
 */
export function observability(deps: { logger: Logger; metrics: Metrics }) {
  const { logger, metrics } = deps;
  return new Elysia({ name: 'observability' })
    .onTransform({ as: 'global' }, function stampStart({ request }) {
      started.set(request, performance.now());
    })
    .onError({ as: 'global' }, function mapError({ code, error, request }) {
      const response = handleError(logger, request, code, error);
      failedWith.set(request, response.status);
      return response;
    })
    .onAfterResponse({ as: 'global' }, function recordRequest({ request, route, set, responseValue }) {
      const begin = started.get(request);
      // A handler that returns a Response (a rendered page with its 422 or 303) sets its status there, not in `set`.
      const returned = responseValue instanceof Response ? responseValue.status : undefined;
      const labels = { method: request.method, route: route || 'unmatched', status: String(failedWith.get(request) ?? returned ?? set.status ?? 200) };
      metrics.httpRequests.inc(labels);
      if (begin === undefined) return logger.info('request', labels);
      const seconds = (performance.now() - begin) / 1000;
      metrics.httpDuration.observe(labels, seconds);
      logger.info('request', { ...labels, ms: Math.round(seconds * 10_000) / 10 });
    });
}
