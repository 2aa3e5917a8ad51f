/** @module server/routes/html — a rendered page or fragment as a Response: HTML, never cached, under one strict Content-Security-Policy. */

/**
 * Scripts, styles, images and sockets only from this origin, none inline and no eval: an injected `<script>`,
 * `style`/`on*` attribute or `javascript:` link does nothing even if a view forgot to escape it. htmx and its
 * WebSocket extension run under it (no hx-on, no `js:` values, no trigger filters in views/); views/inbox/html-check
 * tests the pages for anything inline. `connect-src 'self'` covers the page's own ws:/wss: socket (CSP Level 3);
 * `worker-src 'self'` lets the inbox register the Web Push service worker, /sw.js; `media-src 'self'` lets the chat's
 * players load voice notes and videos from /media.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The headers every HTML response carries: the policy, no MIME sniffing, no framing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

/** A page or htmx fragment: HTML, no-store (every page here is per user or live), with SECURITY_HEADERS. */
export async function htmlResponse(body: string | Promise<string>, status = 200, headers: Record<string, string> = {}): Promise<Response> {
  return new Response(await body, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS, ...headers } });
}
