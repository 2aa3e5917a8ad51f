/**
 * @module server/routes/push — Web Push for the signed-in user: the server's VAPID public key, and her browser's
 * subscription stored or removed (server/push). Session and CSRF as every other mutation (server/auth/plugin).
 * Errors: 422 PUSH_SUBSCRIPTION_INVALID (a field that cannot be a push subscription), 409 PUSH_SUBSCRIPTION_TAKEN (an
 * endpoint another user registered, with other keys), 404 while Web Push is off.
 */
import { Elysia, t } from 'elysia';
import { authPlugin } from '../auth/plugin';
import type { Db } from '../db/client';
import { AppError } from '../errors';
import type { PushService } from '../push';
import { MAX_ENDPOINT_LENGTH } from '../push/subscription';

export interface PushRoutesDeps {
  db: Db;
  /** Undefined when the server has no VAPID key pair (logged at start): the routes answer 404 PUSH_UNAVAILABLE. */
  push?: PushService;
  secureCookies: boolean;
}

export class PushUnavailableError extends AppError {
  override readonly code = 'PUSH_UNAVAILABLE' as const;
  constructor() {
    super('PUSH_UNAVAILABLE', 404, 'Web Push is not set up on this server (it has no VAPID key pair); alerts show while the inbox is open.');
  }
}

/** A PushSubscription's JSON (`toJSON()`): its shape here, what it holds in server/push/subscription. */
const subscriptionBody = t.Object({
  endpoint: t.String({ maxLength: MAX_ENDPOINT_LENGTH }),
  expirationTime: t.Optional(t.Nullable(t.Number())),
  keys: t.Object({ p256dh: t.String({ maxLength: 128 }), auth: t.String({ maxLength: 64 }) }),
});

const noContent = () => new Response(null, { status: 204 });

export function pushRoutes(deps: PushRoutesDeps) {
  function service(): PushService {
    if (!deps.push) throw new PushUnavailableError();
    return deps.push;
  }
  return new Elysia({ name: 'push', prefix: '/push' })
    .use(authPlugin({ db: deps.db, secureCookies: deps.secureCookies }))
    .get('/key', () => Response.json({ publicKey: service().publicKey }, { headers: { 'cache-control': 'no-store' } }), { requireUser: true })
    .post(
      '/subscribe',
      async function subscribe({ user, session, body }) {
        await service().subscribe({ userId: user.id, sessionTokenHash: session.tokenHash }, body);
        return noContent();
      },
      { requireUser: true, body: subscriptionBody },
    )
    .post(
      '/unsubscribe',
      async function unsubscribe({ user, body }) {
        await service().unsubscribe(user.id, body.endpoint);
        return noContent();
      },
      { requireUser: true, body: t.Object({ endpoint: t.String({ maxLength: MAX_ENDPOINT_LENGTH }) }) },
    );
}
