/** @module server/routes/html — a rendered page or fragment as a Response: HTML, never cached (every page here is per user or live). */

export async function htmlResponse(body: string | Promise<string>, status = 200, headers: Record<string, string> = {}): Promise<Response> {
  return new Response(await body, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers } });
}
