/**
 * @module server/conversations/system — the conversation system, built in order: the commit door and the store,
 * the actor registry (one actor per conversation), the intake that feeds it, recovery, and the commands
 * recruiters send through it.
 */
import { conversationBehaviour } from '../../actors/conversation/actor';
import type { BotContext } from '../../actors/conversation/decide';
import type { AfterCommit } from '../../actors/conversation/ports';
import type { ConversationEvent, ConversationState, GuardianDecision, ReplyResult } from '../../actors/conversation/types';
import { createRegistry, RegistryClosedError, type CallResult, type Registry } from '../../actors/runtime';
import type { Db } from '../db/client';
import type { RowRecord } from '../db/queries/inbox';
import { isTransient } from '../db/unavailable';
import { ServiceUnavailableError } from '../errors';
import { createFormToken, formLink } from '../forms/link';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { DEFAULT_SCRIPT_NAME, ScriptNotFoundError, type ScriptCache } from '../services/bot-scripts';
import { maskPhone } from '../whatsapp/phone';
import { createNoticeInForce } from '../privacy/notice-link';
import { createErasureGuard } from '../privacy/erasure-guard';
import { botOpenRequests, botRequestTerms } from '../privacy/requests-bot';
import { privacyEntryFor } from '../../actors/bot/interpreter';
import { rememberingOptOuts } from '../privacy/erased-subjects';
import type { BlobStore } from '../storage/blob-store';
import { LeaseLostError } from '../cluster/fence';
import type { ClusterNode, RemoteChange } from '../cluster/node';
import { inShards, shardOf } from '../cluster/shard';
import { sql, type SQL } from 'drizzle-orm';
import { createClusterSide, isStored, type TurnFence } from './cluster-side';
import { createCommitDoor } from './commit/door';
import { recordDeadLetter, reopenDeadLetter } from './dead-letters';
import { createIntake } from './intake';
import { createRecovery } from './recovery';
import { createConversationStore } from './store';
import { toEvent } from './stored-events';

export type { StatusUpdate } from './intake';

export interface ConversationSystemOptions {
  db: Db;
  logger: Logger;
  metrics: Metrics;
  idleMs: number;
  maxLive?: number;
  now?: () => number;
  /** What runs after each commit: media to fetch, the outbox to wake, fragments to push. */
  after: Partial<AfterCommit<RowRecord>>;
  sleep?: (ms: number) => Promise<void>;
  /** Signs form links for the bot's {formLink} and names the agency for its {agencyName}; without it the bot does not run. */
  forms?: { secret: string; publicUrl: string; ttlMs: number; agencyName: string };
  /** Parsed bot scripts by ref; without it the bot does not run. */
  scripts?: ScriptCache;
  /** General-lane transactions in flight at once (1 for PGlite, which has one connection). */
  commitConcurrency?: number;
  /**
   * Erasures (Law 1581, server/privacy/erase): the install's secret, whose derived key hashes erased identities (a new
   * person is checked against them to keep an erased one's opt-out), and the blob store late files are deleted from.
   * Without it nothing erased is remembered.
   */
  privacy?: { secret: string; blobs: BlobStore };
  /**
   * Several processes on one Postgres (server/cluster/node): only the owner of a conversation's shard runs its actor,
   * its commits are fenced, stored events reach it from the table, other operations are forwarded to it.
   */
  cluster?: ClusterNode;
  /** A change another process committed (cluster only): rendered for the sockets here. */
  remoteChanged?(change: RemoteChange): void;
  /** Shards just claimed (cluster only): their conversations' media, timers and outbox rows are looked for. */
  shardsGained?(shards: number[]): void;
}

/** The relay topic of erased ids, and how many of each kind go in one part (well under NOTIFY's 8,000 bytes). */
const FORGET_TOPIC = 'forget';
const FORGET_PART = 300;

export function createConversationSystem(options: ConversationSystemOptions) {
  const { db, logger, metrics } = options;
  const concurrency = options.commitConcurrency ?? 2;
  const shared = concurrency === 1;
  const { cluster } = options;
  const door = createCommitDoor(db, { generalConcurrency: concurrency, statementConcurrency: concurrency, fence: cluster?.fence });
  const guard = createErasureGuard({ db, blobs: options.privacy?.blobs, logger, now: options.now, askDatabase: cluster !== undefined });
  const plainStore = guard.wrap(createConversationStore(db, { door, concurrency: shared ? 1 : 2 }));
  const sharedStore = options.privacy ? rememberingOptOuts(plainStore, db, options.privacy.secret) : plainStore;
  // An actor starts only where its shard is owned: a process that lost the lease cannot load it back.
  const store: typeof sharedStore = cluster ? { ...sharedStore, load: (key) => (cluster.owns(key) ? sharedStore.load(key) : Promise.reject(new LeaseLostError([shardOf(key)]))) } : sharedStore;
  const processed = metrics.counter('wasap_actor_events_processed_total', 'Events handled by conversation actors', ['type'] as const);

  const noticeInForce = options.forms ? createNoticeInForce(db, options.forms.publicUrl, { now: options.now }) : undefined;

  /** The pinned script, or the active default one for a conversation that has none yet. */
  async function botContext(state: ConversationState, event: ConversationEvent): Promise<BotContext | undefined> {
    const { forms, scripts } = options;
    if (!forms || !scripts) return undefined;
    const sign = (aspirantId: number, at: number) => formLink(forms.publicUrl, createFormToken(forms.secret, aspirantId, at, forms.ttlMs));
    const notice = await noticeInForce?.();
    try {
      const script = await scripts.get(state.script ?? DEFAULT_SCRIPT_NAME);
      // Her open requests are read only for a message that opens one: never a query on the hot path of other messages.
      const asks = event.type === 'inbound.received' && privacyEntryFor(script.script, event.body) !== undefined;
      return {
        script,
        formLink: sign,
        agencyName: forms.agencyName,
        requestTerms: botRequestTerms,
        notice,
        ...(asks ? { alreadyOpen: await botOpenRequests(db, state.aspirantId) } : {}),
      };
    } catch (error) {
      if (error instanceof ScriptNotFoundError) return { formLink: sign, agencyName: forms.agencyName, notice };
      throw error;
    }
  }

  const after: AfterCommit<RowRecord> = {
    mediaToFetch: (key, ids) => options.after.mediaToFetch?.(key, ids),
    outboxReady: () => options.after.outboxReady?.(),
    // A failure here loses nothing: the parked events stay unprocessed and the catch-up sweep finds them.
    parkedSidsRecorded: (key, sids) =>
      void recovery.retellParked(key, sids).catch((error: unknown) => logger.warn('parked status callbacks not re-told; the catch-up sweep will', { err: error as Error })),
    changed: (key, id, result, event) => {
      processed.inc({ type: event.type });
      options.after.changed?.(key, id, result, event);
      cluster?.publish(id, result, event);
      if ('eventId' in event && typeof event.eventId === 'number') side?.processed(key, event.eventId);
    },
  };

  const registry: Registry<string, ConversationState, ConversationEvent, ReplyResult> = createRegistry(
    conversationBehaviour({
      store,
      after,
      bot: botContext,
      now: options.now,
      onDeadLetter: async (key, event, error, attempts) => {
        logger.error('event dead-lettered', { key: maskPhone(key), type: event.type, attempts, err: error as Error });
        await recordDeadLetter(db, key, event, error, attempts, cluster?.fence);
      },
    }),
    {
      idleMs: options.idleMs,
      maxLive: options.maxLive,
      now: options.now,
      sleep: options.sleep,
      // A database outage is waited out, never dead-lettered: the events are acknowledged and durable.
      isTransient,
      isFenced: (error) => error instanceof LeaseLostError,
      onError: (error) => logger.error('actor runtime error', { err: error as Error }),
    },
  );

  /** Hands an event to its actor here; during shutdown the event stays durable and is picked up at the next start. */
  function tellLocal(key: string, event: ConversationEvent): void {
    try {
      registry.tell(key, event);
    } catch (error) {
      if (!(error instanceof RegistryClosedError)) throw error;
    }
  }

  cluster?.onRelay(FORGET_TOPIC, (payload) => {
    const { mediaIds, messageIds } = (payload ?? {}) as { mediaIds?: unknown; messageIds?: unknown };
    const ids = (list: unknown) => (Array.isArray(list) ? list.filter((id): id is number => Number.isSafeInteger(id)).slice(0, FORGET_PART) : []);
    guard.forget({ mediaIds: ids(mediaIds), messageIds: ids(messageIds) });
  });
  const side = cluster ? createClusterSide({ db, logger, node: cluster, registry, tellLocal, remoteChanged: options.remoteChanged, gained: options.shardsGained }) : undefined;

  /**
   * Hands an event to its actor. In a cluster, a stored event (an inbound_events row) is read from the table by the
   * owner, in id order (here, or hinted to the owner); any other event runs here when owned, else is forwarded.
   */
  function tell(key: string, event: ConversationEvent): void {
    if (!cluster || !side) return tellLocal(key, event);
    if (isStored(event)) return cluster.owns(key) ? side.tellStored(key, event as ConversationEvent & { eventId: number }) : cluster.hintEvents(key);
    if (cluster.owns(key)) return tellLocal(key, event);
    void cluster.forward(key, { op: 'tell', event }).catch((error: unknown) => logger.warn('event not forwarded to its owner', { key: maskPhone(key), type: event.type, err: error as Error }));
  }

  /** Enqueues at the owner (here, or forwarded) and resolves once handled. */
  async function sendAt(key: string, event: ConversationEvent): Promise<{ unavailable?: boolean; deadLettered: boolean }> {
    if (!cluster || cluster.owns(key)) return registry.send(key, event);
    const answer = (await cluster.forward(key, { op: 'send', event })) as { unavailable?: boolean; deadLettered?: boolean; error?: string } | null;
    return { unavailable: !answer || answer.error !== undefined || answer.unavailable === true, deadLettered: answer?.deadLettered === true };
  }

  /** Calls the owner's actor (here, or forwarded) and resolves with its answer. */
  async function callAt(key: string, event: ConversationEvent): Promise<CallResult<ReplyResult>> {
    if (!cluster || cluster.owns(key)) return registry.call(key, event);
    const answer = (await cluster.forward(key, { op: 'call', event })) as (CallResult<ReplyResult> & { error?: string }) | null;
    if (!answer || answer.error !== undefined) return { unavailable: true, deadLettered: false } as CallResult<ReplyResult>;
    return answer;
  }

  /** In a cluster, the SQL condition keeping a query to the conversations owned here (`column` holds their key). */
  function ownedOnly(column: SQL | unknown): SQL | undefined {
    return cluster ? inShards(column, cluster.owned()) : undefined;
  }

  // The sweep reads owned conversations only; at start nothing is owned yet (each shard is caught up as it is claimed).
  const recovery = createRecovery({ db, logger, tell: tellLocal, busy: (key) => registry.busy(key), ownedOnly });
  const intake = createIntake({ db, metrics, tell, concurrency: shared ? 1 : 2, beforeStore: cluster?.beforeStore });

  const lanes = () => Object.values(door.stats());
  metrics.gauge('wasap_db_group_commits', 'Batches committed by the commit door since start (a shared statement or transaction counts as one)', () => lanes().reduce((sum, s) => sum + s.batches, 0));
  metrics.gauge('wasap_db_group_commit_units', 'Events committed through the commit door since start', () => lanes().reduce((sum, s) => sum + s.items, 0));
  metrics.gauge('wasap_actors_live', 'Conversation actors in memory', () => registry.stats().live);
  metrics.gauge('wasap_actor_mailbox_depth', 'Events queued in conversation mailboxes', () => registry.stats().mailboxDepth);
  metrics.gauge('wasap_actor_failures', 'Failed event attempts since start', () => registry.stats().failures);
  metrics.gauge('wasap_actor_dead_letters', 'Events dead-lettered since start', () => registry.stats().deadLetters);
  metrics.gauge('wasap_actor_waiting_for_infrastructure', 'Actors whose current event waits for the database to come back', () => registry.stats().waiting);
  metrics.gauge('wasap_actor_unavailable_failures', 'Event attempts that failed because the database was unreachable (retried, never dead-lettered)', () => registry.stats().unavailableFailures);

  /**
   * A recruiter's reply, through the actor (a call): resolves once persisted, `{ ok: true, messageId }`, or refused
   * with the reason (`code` and `message`). Never rejects: a database outage, a dead letter or a closed registry
   * resolve `{ ok: false, message }` too, which the page shows as it is. `commandId` (default a new UUIDv7) names the
   * command: a reply sent again with the same one is saved once and answered with the first one's messageId
   * (server/services/reply-command).
   */
  async function reply(key: string, input: { userId: number; body?: string; templateRef?: string; templateVariables?: Record<string, string>; commandId?: string }): Promise<ReplyResult> {
    let result: CallResult<ReplyResult>;
    try {
      result = await callAt(key, { type: 'recruiter.replied', ...input, commandId: input.commandId ?? Bun.randomUUIDv7() });
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    if (result.unavailable) return { ok: false, message: new ServiceUnavailableError().message };
    // The actor answers every reply it handled; a dead-lettered one has no answer, so the recruiter is told this.
    if (result.deadLettered || result.reply === undefined) return { ok: false, message: 'The reply could not be saved; try again.' };
    return result.reply;
  }

  /** Assignment, status changes and notes go through the actor too, so they are ordered with everything else. */
  async function command(key: string, event: ConversationEvent): Promise<void> {
    const result = await sendAt(key, { ...event, commandId: Bun.randomUUIDv7() } as ConversationEvent);
    if (result.unavailable) throw new ServiceUnavailableError();
    if (result.deadLettered) throw new Error('the change could not be saved; try again');
  }

  return {
    registry,
    tell,
    acceptInbound: intake.acceptInbound,
    acceptStatus: intake.acceptStatus,
    acceptForm: intake.acceptForm,
    /**
     * A minor's guardian authorised or declined (Decree 1377 Art. 12): `event` is
     * `{ type: 'guardian.authorised' | 'guardian.declined', guardianId, at }` (epoch ms), `key` the conversation's actor
     * key (her `aspirants.whatsapp_id`). Resolves once durable (an `inbound_events` row); the actor then moves her bot
     * on. Delivering the same decision again is a no-op (`duplicate: true`); it survives a crash (recovery re-tells it).
     */
    guardianDecision: (key: string, event: Omit<GuardianDecision, 'eventId'>) => intake.acceptGuardian(key, event),
    reply,
    /** A recruiter resumes the bot for a conversation it was paused in. */
    resumeBot: async (key: string, userId: number): Promise<void> => void (await sendAt(key, { type: 'bot.resumed', userId, commandId: Bun.randomUUIDv7() })),
    assign: (key: string, userId: number, assigneeId: number | null) => command(key, { type: 'conversation.assigned', userId, assigneeId }),
    setStatus: (key: string, userId: number, status: ConversationState['status']) => command(key, { type: 'conversation.status_changed', userId, status }),
    addNote: (key: string, userId: number, body: string) => command(key, { type: 'note.added', userId, body }),
    recover: recovery.recover,
    catchUp: recovery.catchUp,
    /** Re-drives an open dead letter through its actor (NotFoundError when there is none with that id); resolves once handled. */
    async retryDeadLetter(id: number): Promise<{ key: string; type: string; deadLettered: boolean }> {
      const reopened = await reopenDeadLetter(db, id);
      const { key } = reopened;
      const event = reopened.inbound ? toEvent(reopened.inbound) : reopened.event;
      const result = await sendAt(key, event);
      if (result.unavailable) throw new ServiceUnavailableError();
      return { key, type: event.type, deadLettered: result.deadLettered };
    },
    /**
     * Runs `work` in the conversation's actor turn, after what was queued before it, while later events wait; they
     * then start from the store (server/privacy/erase). Resolves with what `work` returned. With several processes,
     * `work` checks the fence it is given inside its own transaction: no write lands after the shard moved.
     */
    exclusive: <T>(key: string, work: (fenced: TurnFence) => Promise<T>): Promise<T> => {
      // The work is a closure and cannot travel: it runs here while the owner holds the conversation still.
      const run = cluster && side && !cluster.owns(key) ? side.heldElsewhere(key, work) : registry.exclusive(key, () => work(cluster ? (tx) => cluster.fence.check(tx, [key]) : async () => {}));
      // The shard moved while the work ran: nothing was written; the caller may try again (503).
      return run.catch((error: unknown) => Promise.reject(error instanceof LeaseLostError ? new ServiceUnavailableError() : error));
    },
    /** In a cluster, keeps a query to the conversations owned here (`column` holds their key); undefined otherwise. */
    ownedOnly,
    /**
     * Late outcomes (a media fetch, a send) of these erased ids are dropped, a late file deleted — here and, with
     * several processes, at the others (relayed, in parts that fit a NOTIFY; a file's media row is also looked up).
     */
    forget(ids: { mediaIds: number[]; messageIds: number[] }): void {
      guard.forget(ids);
      if (!cluster) return;
      for (let i = 0; i < Math.max(ids.mediaIds.length, ids.messageIds.length); i += FORGET_PART) {
        cluster.relay(FORGET_TOPIC, { mediaIds: ids.mediaIds.slice(i, i + FORGET_PART), messageIds: ids.messageIds.slice(i, i + FORGET_PART) });
      }
    },
    /** Commits per lane since start (tests and benchmarks). */
    commitStats: door.stats,
    drain: () => registry.drain(),
  };
}

export type ConversationSystem = ReturnType<typeof createConversationSystem>;
