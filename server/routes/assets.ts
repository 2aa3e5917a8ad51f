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
    'admin.css': { path: join(viewsDir, 'admin.css'), type: 'text/css; charset=utf-8' },
    'inbox.js': { path: join(viewsDir, 'inbox.js'), type: 'text/javascript; charset=utf-8' },
    // Registers /sw.js and hands the browser's Web Push subscription to the server (server/routes/push).
    'push.js': { path: join(viewsDir, 'push.js'), type: 'text/javascript; charset=utf-8' },
    'icon.svg': { path: join(viewsDir, 'icon.svg'), type: 'image/svg+xml' },
    // The inbox's tab shows this one while she has unread messages (views/assets/inbox.js).
    'icon-unread.svg': { path: join(viewsDir, 'icon-unread.svg'), type: 'image/svg+xml' },
  }),
);

/**
 * The service worker (views/assets/sw.js) at the root, so its scope is the whole site. Revalidated on every check
 * (browsers look for a new worker at each navigation); its own policy allows it nothing but this origin's icon.
 */
const SERVICE_WORKER = join(viewsDir, 'sw.js');

function serviceWorker(): Response {
  return new Response(Bun.file(SERVICE_WORKER), {
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', 'content-security-policy': "default-src 'none'; img-src 'self'", 'x-content-type-options': 'nosniff' },
  });
}

function serve(file: { path: string; type: string }): Response {
  return new Response(Bun.file(file.path), { headers: { 'content-type': file.type, 'cache-control': 'public, max-age=3600' } });
}

/**
 * GET /assets/:file — only the files listed above; anything else is 404. GET /favicon.ico — the icon, for the
 * browsers that ask for it whatever the page's `<link rel="icon">` says (every page did, and got a 404). GET /sw.js —
 * the Web Push service worker.
 */
export function assetRoutes() {
  return new Elysia({ name: 'assets' })
    .get('/assets/:file', function asset({ params }) {
      const file = FILES.get(params.file);
      if (!file) throw new NotFoundError('That asset');
      return serve(file);
    })
    .get('/favicon.ico', () => serve(FILES.get('icon.svg')!))
    .get('/sw.js', serviceWorker)
    .get('/manifest.webmanifest', () => Response.json(WEB_APP_MANIFEST, { headers: { 'content-type': 'application/manifest+json', 'cache-control': 'public, max-age=3600' } }));
}

/**
 * The web app manifest (W3C Web Application Manifest): the inbox can be installed on a phone's home screen and opens
 * as an app of its own, full screen, at the inbox.
 */
export const WEB_APP_MANIFEST = {
  name: 'Wasap',
  short_name: 'Wasap',
  id: '/inbox',
  start_url: '/inbox',
  scope: '/',
  display: 'standalone',
  background_color: '#f0f2f5',
  theme_color: '#128c7e',
  icons: [{ src: '/assets/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
};
