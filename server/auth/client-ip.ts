/** @module server/auth/client-ip — the address a request came from, for throttling and the audit log. */

interface IpSource {
  requestIP(request: Request): { address: string } | null;
}

/**
 * Behind a trusted proxy, the last X-Forwarded-For entry is the one that proxy appended;
 * earlier entries come from the client and can be forged.
 */
export function clientIp(request: Request, server: IpSource | null | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers
      .get('x-forwarded-for')
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const last = forwarded?.[forwarded.length - 1];
    if (last) return last.slice(0, 64);
  }
  return server?.requestIP(request)?.address ?? 'unknown';
}
