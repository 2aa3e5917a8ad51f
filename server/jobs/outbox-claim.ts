/**
 * @module server/jobs/outbox-claim — which outbox rows this process takes, and the rows a crash or a lost claim left
 * in doubt. Rows are claimed with `FOR UPDATE SKIP LOCKED`, in id order, one conversation at most once at a time.
 */
import { and, asc, eq, getTableColumns, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { outbox } from '../db/schema';
import type { Logger } from '../logger';
import type { OutboxRow } from './outbox-ledger';
import type { Lane } from './runner';
import { inShards, shardSql, shardsArray } from '../cluster/shard';

/** A claimed row, and whether its aspirant opted out (STOP, BAJA…) since it was queued (false for the notice confirming it). */
export type ClaimedRow = OutboxRow & { optedOut: boolean };

/**
 * Rows of conversations no lane here holds. The lanes travel as ONE array parameter, so the statement's text is the
 * same however many are busy (one prepared statement and plan, not one per count).
 */
function notHeld(busy: ReadonlySet<Lane>) {
  return busy.size ? sql`${outbox.conversationId} <> all (${lanesArray(busy)}::int[])` : undefined;
}

/** The busy lanes (conversation ids) as one Postgres int[] literal, `{1,2}`. */
function lanesArray(busy: ReadonlySet<Lane>): string {
  return `{${[...busy].map(Number).join(',')}}`;
}

/**
 * How often a claim also looks for due 'unconfirmed' rows it was not told about (ms): rows another process put in
 * doubt, and leases that ran out. Rows this process puts in doubt are looked for as soon as they are due.
 */
export const IN_DOUBT_POLL_MS = 1000;
/** How often a cluster process looks for rows stranded 'sending' in its shards, and how old such a row must be (ms). */
const STRANDED_POLL_MS = 60_000;
const STRANDED_AFTER_MS = 5 * 60_000;

/**
 * The outbox's claim (at most `batchSize` rows at once, default 100), its start-up recovery and its answer to a failed
 * claim. `inDoubt(dueAt)` tells it a row was put in doubt; `now` is its clock (ms, tests move it).
 */
export function createOutboxClaim(options: {
  db: Db;
  logger: Logger;
  batchSize?: number;
  now?: () => number;
  /** In a cluster, the shards owned here (server/cluster): only their conversations' rows are claimed and adopted. */
  owned?: () => number[];
  /** How long a send may still be answered after it began (ms): the provider's timeout and a margin (default 10 s). */
  inFlightMs?: number;
}) {
  const { db, logger } = options;
  const inFlightMs = options.inFlightMs ?? 10_000;
  const ownedParam = () => (options.owned ? shardsArray(options.owned()) : null);
  const ownedOnly = () => (options.owned ? inShards(outbox.toNumber, options.owned()) : undefined);
  const batchSize = options.batchSize ?? 100;
  const now = options.now ?? Date.now;
  /** A claim failed for the database: it may have committed with its answer lost, leaving rows 'sending' that no lane holds. */
  let claimInDoubt = false;
  /** When the 'unconfirmed' rows this process was told of are due (ms); a 0 means look now (after a start-up mark). */
  let inDoubtDue: number[] = [0];
  let inDoubtLookedAt = -Infinity;
  let strandedLookedAt = now();

  // A row whose fate is unknown ('sending', 'unconfirmed') holds back the later rows of its conversation; the
  // predicate is outbox_in_doubt_idx's, word for word.
  const earlierInDoubt = sql`not exists (select 1 from outbox d where d.conversation_id = ${outbox.conversationId} and d.id < ${outbox.id} and d.state not in ('pending', 'sent', 'failed', 'cancelled'))`;
  // Whether the aspirant opted out (STOP, BAJA…) since the row was queued, read by the claim itself. The one message
  // that confirms her opt-out (actors/conversation/opt-notice: `extra.notice`) is the exception: it must reach her.
  const claimedRow = {
    ...getTableColumns(outbox),
    optedOut: sql<boolean>`exists (select 1 from aspirants a where a.whatsapp_id = ${outbox.toNumber} and a.opted_out_at is not null)
      and not exists (select 1 from messages m where m.id = ${outbox.messageId} and m.extra ->> 'notice' = 'opted_out')`,
  };
  /**
   * Due rows in `state` of conversations no lane here holds (`$busy`, one array parameter: the text is the same
   * however many lanes are busy), at most `$n`, locked without waiting.
   */
  const due = (state: 'pending' | 'unconfirmed') =>
    db
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          eq(outbox.state, state),
          lte(outbox.nextAttemptAt, sql`${sql.placeholder('now')}::timestamptz`),
          sql`${outbox.conversationId} <> all (${sql.placeholder('busy')}::int[])`,
          earlierInDoubt,
          // One text for both modes: without a cluster the shard list is null and the test is constant.
          sql`(${sql.placeholder('shards')}::int[] is null or ${shardSql(outbox.toNumber)} = any (${sql.placeholder('shards')}::int[]))`,
        ),
      )
      .orderBy(asc(outbox.id))
      .limit(sql.placeholder('n'))
      .for('update', { skipLocked: true });
  // Built once (drizzle builds a query's text on every run otherwise: about 0.2 ms of CPU each, measured here).
  const leaseDoubtful = db
    .update(outbox)
    .set({ nextAttemptAt: sql`now() + interval '1 minute'` })
    .where(inArray(outbox.id, due('unconfirmed')))
    .returning(claimedRow)
    .prepare('outbox_claim_unconfirmed');
  const takePending = db
    .update(outbox)
    .set({ state: 'sending', attempts: sql`${outbox.attempts} + 1`, attemptedAt: sql`now()` })
    .where(inArray(outbox.id, due('pending')))
    .returning(claimedRow)
    .prepare('outbox_claim_pending');

  /**
   * Up to `limit` due rows of conversations without a lane here (`busy`) and without an earlier row in doubt:
   * unconfirmed ones are leased for a minute (their next look-up) so no other run takes them, then pending ones are
   * marked sending (attempts + 1). Unconfirmed rows are looked for only when one is known to be due, or once every
   * IN_DOUBT_POLL_MS: most claims are one statement.
   */
  async function claim(limit: number, busy: ReadonlySet<Lane>): Promise<ClaimedRow[]> {
    if (claimInDoubt) await adoptOrphans(busy);
    const n = Math.min(limit, batchSize);
    const at = now();
    if (options.owned && at - strandedLookedAt >= STRANDED_POLL_MS) {
      strandedLookedAt = at;
      await adoptStranded(busy);
    }
    const params = { now: new Date(at).toISOString(), busy: lanesArray(busy), shards: ownedParam() };
    let doubtful: Awaited<ReturnType<typeof leaseDoubtful.execute>> = [];
    if (inDoubtDue.some((due) => due <= at) || at - inDoubtLookedAt >= IN_DOUBT_POLL_MS) {
      inDoubtLookedAt = at;
      // What comes due later stays known; what this look covers is dropped (rows told of meanwhile are added again).
      inDoubtDue = inDoubtDue.filter((due) => due > at);
      doubtful = await leaseDoubtful.execute({ ...params, n });
      // All it could take were due: there may be more, so the next claim looks again.
      if (doubtful.length >= n) inDoubtDue.push(0);
    }
    const claimed = n > doubtful.length ? await takePending.execute({ ...params, n: n - doubtful.length }) : [];
    return [...doubtful, ...claimed].sort((a, b) => a.id - b.id).map((row) => ({ ...row, optedOut: row.optedOut === true }));
  }

  /**
   * In a cluster: rows of owned shards left 'sending' over STRANDED_AFTER ago that no lane here holds — claimed by a
   * process that had lost the shard without knowing it (paused past its lease) and died before giving them back.
   * Nobody else would look at them again, and each holds back its conversation's later messages. They are looked up
   * (as adopted rows are, a send timeout from now) before anything is sent again.
   */
  async function adoptStranded(busy: ReadonlySet<Lane>): Promise<void> {
    const count = await lookUpLater(and(notHeld(busy), ownedOnly(), sql`${outbox.attemptedAt} < now() - ${`${STRANDED_AFTER_MS} milliseconds`}::interval`), inFlightMs);
    if (count) logger.warn('outbox rows left sending by another process are reconciled', { count });
  }

  /**
   * Rows 'sending' (and matching `where`) another process may have sent: put in doubt, looked up once `after` ms
   * have passed from now (a send begun before now can no longer be answered by then). Returns how many.
   */
  async function lookUpLater(where: SQL | undefined, after: number): Promise<number> {
    const rows = await db
      .update(outbox)
      .set({ state: 'unconfirmed', nextAttemptAt: sql`now() + ${`${after} milliseconds`}::interval` })
      .where(and(eq(outbox.state, 'sending'), where))
      .returning({ id: outbox.id });
    if (rows.length) inDoubtDue.push(now() + after);
    return rows.length;
  }

  /**
   * After a claim whose answer was lost: rows 'sending' that no lane of this process holds have an unknown fate, so
   * they are reconciled like a crash's; 'unconfirmed' rows leased by that claim are due again now. In a cluster only
   * the rows of shards owned here (another process's are its own).
   */
  async function adoptOrphans(busy: ReadonlySet<Lane>): Promise<void> {
    const unheld = notHeld(busy);
    const orphans = await db
      .update(outbox)
      .set({ state: 'unconfirmed', nextAttemptAt: new Date() })
      .where(and(inArray(outbox.state, ['sending', 'unconfirmed']), unheld, ownedOnly()))
      .returning({ id: outbox.id });
    claimInDoubt = false;
    inDoubtDue.push(0);
    if (orphans.length) logger.warn('outbox rows in doubt after a lost claim are reconciled now', { count: orphans.length });
  }

  /**
   * At start: rows left 'sending' by a crash may or may not have reached the provider. Each becomes 'unconfirmed'
   * (due now) and goes through the same claim and reconciliation as any other — found → sent, not found → queued
   * again, provider unreachable → asked again later. The runner claims nothing before this has run, so a row is
   * never reconciled and sent by two paths at once. Returns how many there were.
   */
  async function markInDoubt(): Promise<number> {
    const rows = await db
      .update(outbox)
      .set({ state: 'unconfirmed', nextAttemptAt: new Date() })
      .where(and(eq(outbox.state, 'sending'), ownedOnly()))
      .returning({ id: outbox.id });
    if (rows.length) logger.warn('outbox rows interrupted while sending are reconciled', { count: rows.length });
    inDoubtDue.push(0);
    return rows.length;
  }

  return {
    claim,
    markInDoubt,
    /** Puts a row this process claimed and did not send back as it was: 'sending' → 'pending' (attempts − 1), or an 'unconfirmed' one due now. */
    async unclaim(row: { id: number; state: string; attempts: number }): Promise<void> {
      // Only the claim this process made (its attempt number): after a shard moved, the new owner's claim of the same
      // row is in the same state, and undoing it would let that row go out twice.
      if (row.state === 'unconfirmed') {
        await db
          .update(outbox)
          .set({ nextAttemptAt: new Date() })
          .where(and(eq(outbox.id, row.id), eq(outbox.state, 'unconfirmed'), eq(outbox.attempts, row.attempts)));
        return;
      }
      await db
        .update(outbox)
        .set({ state: 'pending', attempts: sql`${outbox.attempts} - 1` })
        .where(and(eq(outbox.id, row.id), eq(outbox.state, 'sending'), eq(outbox.attempts, row.attempts)));
    },
    /**
     * Shards just claimed from a process that stopped, died or lost its lease: their rows it left 'sending' are put in
     * doubt and looked up before anything is sent again (as a crash's are at start), once `after` (default the provider's
     * request timeout and a margin) has passed since now: a send of the previous owner's began before this claim
     * (server/jobs/outbox checks the lease right before each request), so by then its answer can no longer come.
     */
    async adopt(shards: number[], after = inFlightMs): Promise<void> {
      // Not from attempted_at: that is the claim's time, and a row may wait for the send pace long after it.
      const count = await lookUpLater(inShards(outbox.toNumber, shards), after);
      if (count) logger.warn('outbox rows a previous owner left sending are reconciled', { count });
    },
    claimFailed(): void {
      claimInDoubt = true;
    },
    /** A row was put in doubt, due for its look-up at `dueAt`: the first claim from then on looks for it. */
    inDoubt(dueAt: Date): void {
      inDoubtDue.push(dueAt.getTime());
    },
  };
}
