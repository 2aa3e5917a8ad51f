/**
 * @module server/jobs/recovery — the recovery queue: at start, events accepted but not processed before a stop or
 * crash are told to their actors again; then a catch-up sweep every few seconds finds hand-offs lost to an outage.
 *
 * Both also re-tell `outbox.sent` for rows the outbox recorded as sent whose message has no sid yet: the actor's
 * commit is the one writer of messages.provider_sid, and a crash (or a stop) between the outbox's write and the
 * actor's would otherwise leave the message without it, and its status callbacks parked.
 */
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { messages, outbox } from '../db/schema';
import type { Logger } from '../logger';
import type { ConversationSystem } from '../conversations/system';
import type { JobRunner, QueueHandle } from './runner';

export interface RecoveryQueueOptions {
  db: Db;
  conversations: Pick<ConversationSystem, 'recover' | 'catchUp' | 'tell' | 'registry' | 'ownedOnly'>;
  logger: Logger;
  /** How often, and past what age, lost hand-offs are looked for (an idle actor with an event this old never got it). */
  everyMs: number;
}

/** Adds the recovery queue to `runner`: its recovery runs at start, its one job (the sweep) every `everyMs`. */
export function createRecoveryQueue(runner: JobRunner, options: RecoveryQueueOptions): QueueHandle {
  const { db, conversations, logger, everyMs } = options;
  let nextSweepAt = performance.now() + everyMs;

  /** Tells `outbox.sent` again for rows sent over `olderThanMs` ago whose message the actor has not given the sid. */
  async function retellSent(olderThanMs: number): Promise<number> {
    // messages.provider_sid IS NULL is answered from messages_provider_sid_key: only unsent outbound messages have none.
    const rows = await db
      .select({ key: outbox.toNumber, messageId: outbox.messageId, providerSid: outbox.providerSid })
      .from(messages)
      .innerJoin(outbox, eq(outbox.messageId, messages.id))
      .where(and(isNull(messages.providerSid), eq(outbox.state, 'sent'), lt(outbox.sentAt, sql`now() - ${`${olderThanMs} milliseconds`}::interval`), conversations.ownedOnly(outbox.toNumber)))
      .limit(1000);
    const idle = rows.filter((row) => row.providerSid && !conversations.registry.busy(row.key));
    for (const row of idle) conversations.tell(row.key, { type: 'outbox.sent', messageId: row.messageId, providerSid: row.providerSid! });
    if (idle.length) logger.warn('sent messages whose sid was not recorded are handed to their actors again', { count: idle.length });
    return idle.length;
  }

  return runner.add<{ olderThanMs: number }>({
    name: 'recovery',
    limit: 1,
    pollMs: everyMs,
    async claim() {
      const now = performance.now();
      if (now < nextSweepAt) return [];
      nextSweepAt = now + everyMs;
      return [{ olderThanMs: everyMs }];
    },
    async perform({ olderThanMs }) {
      await conversations.catchUp(olderThanMs);
      await retellSent(olderThanMs);
    },
    async discard(_job, error) {
      logger.warn('catch-up sweep skipped', { err: error as Error });
    },
    async recover() {
      const found = await conversations.recover();
      return found + (await retellSent(0));
    },
  });
}
