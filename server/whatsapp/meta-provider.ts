/**
 * @module server/whatsapp/meta-provider — Meta's WhatsApp Cloud API as a WhatsAppProvider: its webhook
 * (server/whatsapp/meta-webhooks), sends, media and templates through the Graph API (server/whatsapp/meta/client),
 * and the reconciliation of an ambiguous send by the `biz_opaque_callback_data` Meta echoes on its statuses.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { MetaConfig } from '../config';
import type { Db } from '../db/client';
import { aspirants, inboundEvents } from '../db/schema';
import type { Logger } from '../logger';
import { createMetaClient } from './meta/client';
import { metaWebhookRoutes } from './meta-webhooks';
import type { WhatsAppProvider } from './port';
import { SendError } from './send-errors';

export interface MetaProviderOptions {
  meta: MetaConfig;
  db: Db;
  mediaMaxBytes: number;
  mediaRetryDelaysMs?: number[];
  logger?: Logger;
}

/**
 * The provider message id of the send whose idempotency key Meta echoed on a stored status webhook, or null. Status
 * rows are stored as `wamid:status` with the event (and its callbackData) in their payload.
 */
export function receiptsLookup(db: Db): (idempotencyKey: string) => Promise<string | null> {
  return async (key) => {
    const [row] = await db
      .select({ sid: sql<string>`${inboundEvents.payload} -> 'event' ->> 'messageSid'` })
      .from(inboundEvents)
      // The second condition is the partial index's predicate (inbound_events_callback_data_idx), stated so it is used.
      .where(and(eq(inboundEvents.kind, 'status'), sql`${inboundEvents.payload} -> 'event' ->> 'callbackData' = ${key}`, sql`(${inboundEvents.payload} -> 'event') ? 'callbackData'`))
      .limit(1);
    return row?.sid ?? null;
  };
}

/**
 * The BSUID of the aspirant a conversation key names (her number, for one first seen with it), or undefined. Meta's
 * sends go to the BSUID whenever she has one: it is the WhatsApp user herself, where a number can change hands (a
 * number given to someone new comes with another BSUID), so a reply never reaches whoever holds her old number.
 */
export function bsuidLookup(db: Db): (key: string) => Promise<string | undefined> {
  return async (key) => {
    const [row] = await db.select({ bsuid: aspirants.bsuid }).from(aspirants).where(eq(aspirants.whatsappId, key)).limit(1);
    return row?.bsuid ?? undefined;
  };
}

/** Builds the Meta provider; the webhook path is /webhooks/meta (GET for the challenge, POST for updates). */
export function createMetaProvider(options: MetaProviderOptions): WhatsAppProvider {
  const { meta } = options;
  const client = createMetaClient({
    accessToken: meta.accessToken,
    phoneNumberId: meta.phoneNumberId,
    wabaId: meta.wabaId,
    graphUrl: meta.graphUrl,
    apiVersion: meta.apiVersion,
    timeoutMs: meta.timeoutMs,
    mediaMaxBytes: options.mediaMaxBytes,
    mediaRetryDelaysMs: options.mediaRetryDelaysMs,
    receipts: receiptsLookup(options.db),
  });
  const bsuidOf = bsuidLookup(options.db);
  return {
    name: 'meta',
    maxMps: meta.maxMps,
    number: meta.whatsappNumber,
    webhooks: (sink) => metaWebhookRoutes({ meta, sink, logger: options.logger }),
    async send(message) {
      let bsuid: string | undefined;
      try {
        bsuid = message.to.startsWith('+') ? await bsuidOf(message.to) : undefined;
      } catch (error) {
        // Nothing went to Meta: a plain retry, never a send in doubt.
        throw new SendError({ permanent: false, reason: 'Could not read her WhatsApp id from the database: the message will be retried', cause: error });
      }
      return client.send(bsuid ? { ...message, to: bsuid } : message);
    },
    findSent: (query) => client.findSent(query),
    fetchMedia: (ref) => client.fetchMedia(ref),
    ...(meta.wabaId ? { listTemplates: () => client.listTemplates() } : {}),
    classify: (error) => client.classify(error),
  };
}
