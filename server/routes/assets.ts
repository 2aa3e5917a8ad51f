/** @module server/routes/assets — htmx, its WebSocket extension and the stylesheet, served by the app (no CDN, no build step). */
import { Elysia } from 'elysia';
import { join } from 'node:path';
import { NotFoundError } from '../errors';

const resolve = (specifier: string) => Bun.resolveSync(specifier, import.meta.dir);
const viewsDir = join(import.meta.dir, '..', '..', 'views', 'assets');

// A Map, not an object literal: a lookup of `constructor` or `__proto__` must find nothing, not Object's prototype.
const FILES = new Map<string, { path: string; type: string }>(
  Object.entries({
    'htmx.js': { path: resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
    'hx-ws.js': { path: resolve('htmx.org/dist/ext/hx-ws.min.js'), type: 'text/javascript; charset=utf-8' },
    'app.css': { path: join(viewsDir, 'app.css'), type: 'text/css; charset=utf-8' },
    'form.css': { path: join(viewsDir, 'form.css'), type: 'text/css; charset=utf-8' },
    'auth.css': { path: join(viewsDir, 'auth.css'), type: 'text/css; charset=utf-8' },
    'inbox.js': { path: join(viewsDir, 'inbox.js'), type: 'text/javascript; charset=utf-8' },
  }),
);

/** GET /assets/:file — only the files listed above; anything else is 404. */
export function assetRoutes() {
  return new Elysia({ name: 'assets', prefix: '/assets' }).get('/:file', function asset({ params }) {
    const file = FILES.get(params.file);
    if (!file) throw new NotFoundError('That asset');
    return new Response(Bun.file(file.path), { headers: { 'content-type': file.type, 'cache-control': 'public, max-age=3600' } });
  });
}
