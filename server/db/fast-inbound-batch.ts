/**
 * @module server/db/fast-inbound-batch — group commit for the commonest event: the plain inbound messages of many
 * conversations that arrive together are committed by ONE statement (server/db/fast-inbound: one round trip, one
 * executor run, one COMMIT).
 */
import type { CommitResult } from '../../actors/conversation/ports';
import type { ConversationEvent } from '../../actors/conversation/types';
import type { Db } from './client';
import { commitFastInbound, commitFastInboundMany, type FastInboundItem, type FastInboundPlan } from './fast-inbound';

interface Pending extends FastInboundItem {
  resolve: (result: CommitResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Plain inbound messages wait while a statement is in flight and go together in the next one; alone, a message
 * goes at once. Each resolves only after its statement committed. A failed batch is
 * retried message by message, so one bad row never fails the others.
 */
export function createFastInboundWriter(db: Db, options: { concurrency?: number; maxBatch?: number } = {}) {
  const concurrency = options.concurrency ?? 2;
  const maxBatch = options.maxBatch ?? 100;
  const queue: Pending[] = [];
  /** Conversations with a statement in flight: their next message waits for it (order within a conversation). */
  const busy = new Set<number>();
  const stats = { statements: 0, messages: 0 };
  let inFlight = 0;

  async function alone(p: Pending): Promise<void> {
    try {
      p.resolve(await commitFastInbound(db, p.plan, p.event, p.now));
    } catch (error) {
      p.reject(error);
    }
  }

  async function write(batch: Pending[]): Promise<void> {
    stats.statements++;
    stats.messages += batch.length;
    if (batch.length === 1) return alone(batch[0]!);
    let results: CommitResult[];
    try {
      results = await commitFastInboundMany(db, batch);
    } catch {
      for (const p of batch) await alone(p);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }

  /** The next batch: queue order, one message per conversation, none whose conversation has one in flight. */
  function take(): Pending[] {
    const batch: Pending[] = [];
    for (let i = 0; i < queue.length && batch.length < maxBatch;) {
      const p = queue[i]!;
      if (busy.has(p.plan.conversationId)) {
        i++;
        continue;
      }
      busy.add(p.plan.conversationId);
      batch.push(p);
      queue.splice(i, 1);
    }
    return batch;
  }

  function pump(): void {
    while (inFlight < concurrency && queue.length > 0) {
      const batch = take();
      if (batch.length === 0) return;
      inFlight++;
      void write(batch).finally(() => {
        for (const p of batch) busy.delete(p.plan.conversationId);
        inFlight--;
        pump();
      });
    }
  }

  return {
    commit(plan: FastInboundPlan, event: ConversationEvent, now: number): Promise<CommitResult> {
      const { promise, resolve, reject } = Promise.withResolvers<CommitResult>();
      queue.push({ plan, event, now, resolve, reject });
      pump();
      return promise;
    },
    /** Statements run and messages they carried, since start. */
    stats: () => ({ ...stats }),
  };
}

export type FastInboundWriter = ReturnType<typeof createFastInboundWriter>;
