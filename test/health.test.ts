/** @module test/health.test — /healthz, /readyz, /metrics, request logs and the error mapping, through app.handle. */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { drivers } from './support/db';
import { testApp } from './support/app';

describe.each(drivers)('health routes on %s', (driver) => {
  test('/healthz and /readyz answer 200 on a migrated database', async () => {
    await using t = await testApp(driver);
    expect(await (await t.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  test('/readyz is 503 naming the pending migration, then the unreachable database', async () => {
    await using t = await testApp(driver);
    await t.database.db.execute(sql`drop schema drizzle cascade`);
    const pending = await t.request('/readyz');
    expect(pending.status).toBe(503);
    expect(((await pending.json()) as { reason: string }).reason).toContain('migrations not applied: 0000_init');
    await t.database.close();
    const down = await t.request('/readyz');
    expect(down.status).toBe(503);
    expect(((await down.json()) as { reason: string }).reason).toStartWith('database unreachable');
  });
});

describe('metrics and logs', () => {
  test('/metrics counts requests by route pattern and status, and shows process memory', async () => {
    await using t = await testApp();
    await t.request('/healthz');
    await t.request('/healthz');
    await t.request('/no/such/page');
    // A rendered page returned with its own status (the form's friendly 404 for a junk link) is counted with it.
    expect((await t.request('/f/v1.1.1.x', { headers: { accept: 'text/html' } })).status).toBe(404);
    // Metrics are recorded once the response is sent (onAfterResponse): wait for the requests' log lines.
    await t.waitForLog((l) => l.route === 'unmatched');
    await t.waitForLog((l) => l.route === '/f/:token');
    const response = await t.request('/metrics');
    expect(response.headers.get('content-type')).toStartWith('text/plain');
    const text = await response.text();
    expect(text).toContain('wasap_http_requests_total{method="GET",route="/healthz",status="200"} 2');
    expect(text).toContain('wasap_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('wasap_http_requests_total{method="GET",route="/f/:token",status="404"} 1');
    expect(text).toContain('wasap_http_request_duration_seconds_bucket');
    expect(text).toMatch(/wasap_process_resident_memory_bytes \d+/);
  });

  test('METRICS_TOKEN protects /metrics', async () => {
    await using t = await testApp('pglite', { env: { METRICS_TOKEN: 'scrape-me' } });
    expect((await t.request('/metrics')).status).toBe(401);
    expect((await t.request('/metrics', { headers: { authorization: 'Bearer scrape-me' } })).status).toBe(200);
  });

  test('each request logs one JSON line with route, status and duration', async () => {
    await using t = await testApp();
    await t.request('/healthz?token=secret-value');
    const line = await t.waitForLog((l) => l.msg === 'request');
    expect(line).toMatchObject({ level: 'info', method: 'GET', route: '/healthz', status: '200' });
    expect(typeof line?.ms).toBe('number');
    expect(JSON.stringify(t.logs)).not.toContain('secret-value');
  });

  test('errors are JSON or HTML by Accept, never a stack trace', async () => {
    await using t = await testApp();
    const json = await t.request('/nope', { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'That page or resource does not exist.' } });
    const html = await t.request('/nope?<script>', { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toStartWith('text/html');
    const page = await html.text();
    // For a person: in the browser's language (Spanish unless it asks for English), one language, no raw code.
    expect(page).toContain('<html lang="es">');
    expect(page).toContain('Esa página no existe, o no tienes acceso a ella.');
    expect(page).toContain('Volver a Wasap');
    expect(page).not.toContain('does not exist');
    const english = await (await t.request('/nope', { headers: { accept: 'text/html', 'accept-language': 'en-US,en;q=0.9' } })).text();
    expect(english).toContain('That page does not exist, or you have no access to it.');
    expect(english).not.toContain('Volver');
    // Its words depend on the request: never cached, and said to vary on what chose them.
    expect(html.headers.get('cache-control')).toBe('no-store');
    expect(html.headers.get('vary')).toBe('Accept, Accept-Language');
  });
});
