/**
 * @module server/whatsapp/meta-webhooks — Meta's Cloud API webhook: `GET /webhooks/meta` answers the subscription
 * challenge; `POST /webhooks/meta` verifies X-Hub-Signature-256 on the raw body before anything is parsed, stores
 * every message and status it carries through the durable intake, and only then answers 200.
 *
 * Meta retries a delivery that is not answered 200 with backoff for up to 7 days, and may deliver one more than once
 * (developers.facebook.com/docs/graph-api/webhooks/getting-started): every row is deduplicated on its id (`wamid…`;
 * a status on `wamid:status`), so a retried POST whose first half was stored stores only the rest. A message whose
 * envelope cannot be used (no id, no sender) is logged and counted, never retried forever: the POST still answers 200.
 */
import { Elysia } from 'elysia';
import type { MetaConfig } from '../config';
import { withDeadline } from '../db/deadline';
import { BadRequestError, ForbiddenError } from '../errors';
import type { Logger } from '../logger';
import { readCapped } from '../request-guard';
import { parseMetaWebhook } from './meta/inbound';
import { verifyChallenge, verifyMetaSignature } from './meta/signature';
import type { WebhookSink } from './port';
import { ACCEPT_DEADLINE_MS, NOT_STORED } from './webhook-routes';

/**
 * A Cloud API webhook carries up to 1,000 updates a POST, each a few hundred bytes (text is capped at 4,096
 * characters); 3 MB is Meta's documented webhook payload maximum. The body is read whole up to this, since the
 * signature covers every byte.
 */
export const MAX_META_WEBHOOK_BYTES = 4 * 1024 * 1024;

/** `sha256=` and 64 hex digits, as Meta writes it (the case of either part aside). */
const SIGNATURE_SHAPE = /^sha256=[0-9a-f]{64}$/i;
/** The rejected or ignored parts of one POST logged one by one; past this, only how many more there were. */
const MAX_LOGGED_PARTS = 10;
const BAD_SIGNATURE = 'The X-Hub-Signature-256 header is missing or does not match this body (HMAC-SHA256 with the app secret).';

export interface MetaWebhookDeps {
  meta: MetaConfig;
  sink: WebhookSink;
  logger?: Logger;
}

/** `GET` and `POST /webhooks/meta` for the Meta provider. */
export function metaWebhookRoutes(deps: MetaWebhookDeps) {
  const { meta, sink, logger } = deps;
  return new Elysia({ name: 'meta-webhooks', prefix: '/webhooks/meta' })
    .get('', function challenge({ request }) {
      const query = Object.fromEntries(new URL(request.url).searchParams);
      const answer = verifyChallenge(query, meta.verifyToken);
      if (answer === null) throw new ForbiddenError('hub.mode must be "subscribe" and hub.verify_token must match META_VERIFY_TOKEN.');
      return new Response(answer, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
    })
    .post(
      '',
      async function receive({ request }) {
        // Meta signs every delivery: one without a signature is refused before its body is read.
        const signature = request.headers.get('x-hub-signature-256');
        if (!signature || !SIGNATURE_SHAPE.test(signature.trim())) throw new ForbiddenError(BAD_SIGNATURE);
        const raw = await readCapped(request, MAX_META_WEBHOOK_BYTES);
        if (!verifyMetaSignature(meta.appSecret, signature, raw)) throw new ForbiddenError(BAD_SIGNATURE);
        let body: unknown;
        try {
          body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
        } catch {
          throw new BadRequestError('The body is not JSON in UTF-8, as Meta sends it.', 'body');
        }
        const parsed = parseMetaWebhook(body, { phoneNumberId: meta.phoneNumberId });
        // Bounded: one signed POST of thousands of unusable parts writes a dozen lines, not thousands.
        for (const rejected of parsed.rejected.slice(0, MAX_LOGGED_PARTS)) logger?.warn('meta webhook: an update could not be used', { ...rejected });
        for (const ignored of parsed.ignored.slice(0, MAX_LOGGED_PARTS)) logger?.debug('meta webhook: part of an update not read', { ...ignored });
        if (parsed.rejected.length + parsed.ignored.length > 2 * MAX_LOGGED_PARTS) {
          logger?.warn('meta webhook: more parts not used than logged', { rejected: parsed.rejected.length, ignored: parsed.ignored.length });
        }
        // Handed over together, in Meta's order: the intake's writer commits a conversation's rows in the order they
        // were handed to it (server/db/batch-insert), several in one statement under load.
        const stored = [...parsed.messages.map((message) => sink.acceptInbound(message)), ...parsed.statuses.map((status) => sink.acceptStatus(status))];
        await withDeadline(Promise.all(stored), ACCEPT_DEADLINE_MS, NOT_STORED);
        return new Response('EVENT_RECEIVED', { headers: { 'content-type': 'text/plain; charset=utf-8' } });
      },
      { parse: 'none' },
    );
}
