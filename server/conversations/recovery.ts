/**
 * @module server/conversations/recovery — finding events that were acknowledged but never processed: at start-up
 * (a stop or crash), in the catch-up sweep (a hand-off lost to an outage), and status callbacks parked until their
 * message's sid is recorded.
 */
import { and, asc, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { ConversationEvent } from '../../actors/conversation/types';
import type { Db } from '../db/client';
import { inboundEvents } from '../db/schema';
import type { Logger } from '../logger';
import { toEvent } from './stored-events';

export interface RecoveryDeps {
  db: Db;
  logger: Logger;
  tell(key: string, event: ConversationEvent): void;
  /** True while the key's actor has an event in hand or queued: the sweep leaves its events alone. */
  busy(key: string): boolean;
  /** In a cluster, the condition keeping a query to the conversations owned here (`column` holds the key). */
  ownedOnly?(column: unknown): SQL | undefined;
}

/** Served by the partial index inbound_events_parked_status_idx (the sid expression must stay the same). */
export function parkedStatusQuery(db: Db, sids: string[]) {
  return db
    .select()
    .from(inboundEvents)
    .where(and(isNull(inboundEvents.processedAt), eq(inboundEvents.kind, 'status'), inArray(sql`${inboundEvents.payload}->'event'->>'messageSid'`, sids)));
}

export function createRecovery(deps: RecoveryDeps) {
  const { db, logger, tell } = deps;
  const owned = () => deps.ownedOnly?.(inboundEvents.conversationKey);
  /** Status callbacks parked for over a day are closed (owned conversations' only, in a cluster: idempotent). */
  async function closeStaleParked(): Promise<void> {
    await db
      .update(inboundEvents)
      .set({ processedAt: new Date(), lastError: 'no message with this sid arrived within a day' })
      .where(and(isNull(inboundEvents.processedAt), eq(inboundEvents.kind, 'status'), lt(inboundEvents.receivedAt, sql`now() - interval '1 day'`), owned()));
  }

  return {
    /** Status callbacks that arrived before these sids were recorded, told to their actor now. */
    async retellParked(key: string, sids: string[]): Promise<void> {
      if (sids.length === 0) return;
      for (const row of await parkedStatusQuery(db, sids)) tell(key, toEvent(row));
    },

    /**
     * The catch-up sweep: events acknowledged more than `olderThanMs` ago and still unprocessed, whose actor is not
     * busy, are told again — a hand-off lost to an outage (a write whose answer never came, a re-tell that failed)
     * is found here rather than at the next start. Status callbacks parked for a message not yet known are left
     * alone until that message's sid is recorded; those parked for over a day are closed. Returns how many were told.
     */
    async catchUp(olderThanMs: number): Promise<number> {
      await closeStaleParked();
      const rows = await db
        .select()
        .from(inboundEvents)
        .where(
          and(
            isNull(inboundEvents.processedAt),
            lt(inboundEvents.receivedAt, new Date(Date.now() - olderThanMs)),
            sql`(${inboundEvents.kind} <> 'status' or exists (select 1 from messages m where m.provider_sid = ${inboundEvents.payload} -> 'event' ->> 'messageSid'))`,
            owned(),
          ),
        )
        .orderBy(asc(inboundEvents.id))
        .limit(1000);
      const idle = rows.filter((row) => !deps.busy(row.conversationKey));
      for (const row of idle) tell(row.conversationKey, toEvent(row));
      if (idle.length) logger.warn('unprocessed events handed to their actors again', { count: idle.length });
      return idle.length;
    },

    /**
     * Events accepted but not processed before a stop or crash; status callbacks parked for over a day are closed. In
     * a cluster only owned conversations' (none at start: each shard is caught up as it is claimed).
     */
    async recover(): Promise<number> {
      await closeStaleParked();
      const rows = await db
        .select()
        .from(inboundEvents)
        .where(and(isNull(inboundEvents.processedAt), owned()))
        .orderBy(asc(inboundEvents.id));
      for (const row of rows) tell(row.conversationKey, toEvent(row));
      if (rows.length) logger.info('recovering unprocessed events', { count: rows.length });
      return rows.length;
    },
  };
}
