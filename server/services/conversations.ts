/** @module server/services/conversations — the conversation system: durable intake, the actor registry, its workers and recovery. */
import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import { conversationBehaviour } from '../../actors/conversation/actor';
import type { BotContext } from '../../actors/conversation/decide';
import { createFormToken, formLink } from '../forms/link';
import { DEFAULT_SCRIPT_NAME, ScriptNotFoundError, type ScriptCache } from './bot-scripts';
import type { AfterCommit, CommitResult } from '../../actors/conversation/ports';
import type { ConversationEvent, DeliveryStatus, FormProfile, FormSubmitted, InboundReceived, ReplyResult, StatusReceived } from '../../actors/conversation/types';
import { createRegistry, RegistryClosedError, type CallResult, type Registry } from '../../actors/runtime';
import type { ConversationState } from '../../actors/conversation/types';
import type { Db } from '../db/client';
import { createConversationStore, parkedStatusEvents } from '../db/conversation-store';
import { createInboundWriter } from '../db/batch-insert';
import { createGroupCommitter } from '../db/group-commit';
import { createFastInboundWriter } from '../db/fast-inbound-batch';
import { formSubmissions, inboundEvents } from '../db/schema';
import { recordDeadLetter, reopenDeadLetter } from './dead-letters';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { maskPhone } from '../whatsapp/phone';
import { isTransient } from '../db/unavailable';
import { ServiceUnavailableError } from '../errors';
import type { InboundMessage } from '../whatsapp/inbound-parse';

export interface StatusUpdate {
  messageSid: string;
  /** The aspirant's number (Twilio's `To` on a status callback). */
  to: string;
  status: DeliveryStatus;
  errorCode?: number;
  errorMessage?: string;
  raw?: Record<string, string>;
}

export interface ConversationSystemOptions {
  db: Db;
  logger: Logger;
  metrics: Metrics;
  idleMs: number;
  maxLive?: number;
  now?: () => number;
  /** Filled in by the wiring once the workers exist (they need `tell` in turn). */
  after: Partial<AfterCommit>;
  sleep?: (ms: number) => Promise<void>;
  /** Signs form links for the bot's {formLink}; without it the bot does not run. */
  forms?: { secret: string; publicUrl: string; ttlMs: number };
  /** Parsed bot scripts by ref; without it the bot does not run. */
  scripts?: ScriptCache;
  /** Group-commit transactions in flight at once (1 for PGlite, which has one connection). */
  commitConcurrency?: number;
}

type StoredPayload = { event: Omit<InboundReceived, 'eventId'> | Omit<StatusReceived, 'eventId'> | Omit<FormSubmitted, 'eventId'> };

export function createConversationSystem(options: ConversationSystemOptions) {
  const { db, logger, metrics } = options;
  // Group commit: concurrent webhooks and actor transactions share COMMITs (durability unchanged: each waits for its own).
  // Plain inbound messages of many conversations commit in one statement. With one connection (PGlite) transactions
  // share one committer; on Postgres (a pool of 10) the general path takes `commitConcurrency` connections and the
  // webhook rows, plain inbound messages and delivery updates two each, so a one-statement commit never waits behind
  // a first message's transaction.
  const concurrency = options.commitConcurrency ?? 2;
  const shared = concurrency === 1;
  const committer = createGroupCommitter(db, { concurrency });
  const fastCommitter = shared ? committer : createGroupCommitter(db, { concurrency: 2 });
  const inbound = createFastInboundWriter(db, { concurrency: shared ? 1 : 2 });
  const store = createConversationStore(db, { general: committer, fast: fastCommitter, inbound });
  const inboundWriter = createInboundWriter(db, { concurrency: shared ? 1 : 2 });
  const committers = [...new Set([committer, fastCommitter])];
  const total = (field: 'transactions' | 'units') => committers.reduce((sum, c) => sum + c.stats()[field], 0);
  metrics.gauge('wasap_db_group_commits', 'Transactions committed by group commit since start (a shared inbound statement counts as one)', () => total('transactions') + inbound.stats().statements);
  metrics.gauge('wasap_db_group_commit_units', 'Units of work committed through group commit since start', () => total('units') + inbound.stats().messages);
  const received = metrics.counter('wasap_webhooks_received_total', 'Webhook events accepted, by kind', ['kind'] as const);
  const duplicates = metrics.counter('wasap_webhooks_duplicate_total', 'Webhook deliveries ignored as duplicates, by kind', ['kind'] as const);
  const processed = metrics.counter('wasap_actor_events_processed_total', 'Events handled by conversation actors', ['type'] as const);

  /** The pinned script, or the active default one for a conversation that has none yet. */
  async function botContext(state: ConversationState): Promise<BotContext | undefined> {
    const { forms, scripts } = options;
    if (!forms || !scripts) return undefined;
    const sign = (aspirantId: number, at: number) => formLink(forms.publicUrl, createFormToken(forms.secret, aspirantId, at, forms.ttlMs));
    try {
      return { script: await scripts.get(state.script ?? DEFAULT_SCRIPT_NAME), formLink: sign };
    } catch (error) {
      if (error instanceof ScriptNotFoundError) return { formLink: sign };
      throw error;
    }
  }

  const after: AfterCommit = {
    mediaToFetch: (key, ids) => options.after.mediaToFetch?.(key, ids),
    outboxReady: () => options.after.outboxReady?.(),
    // A failure here loses nothing: the parked events stay unprocessed and the catch-up sweep finds them.
    parkedSidsRecorded: (key, sids) => void retellParked(key, sids).catch((error: unknown) => logger.warn('parked status callbacks not re-told; the catch-up sweep will', { err: error as Error })),
    changed: (key, id, result, event) => {
      processed.inc({ type: event.type });
      options.after.changed?.(key, id, result, event);
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
        await recordDeadLetter(db, key, event, error, attempts);
      },
    }),
    {
      idleMs: options.idleMs,
      maxLive: options.maxLive,
      now: options.now,
      sleep: options.sleep,
      // A database outage is waited out, never dead-lettered: the events are acknowledged and durable.
      isTransient,
      onError: (error) => logger.error('actor runtime error', { err: error as Error }),
    },
  );

  metrics.gauge('wasap_actors_live', 'Conversation actors in memory', () => registry.stats().live);
  metrics.gauge('wasap_actor_mailbox_depth', 'Events queued in conversation mailboxes', () => registry.stats().mailboxDepth);
  metrics.gauge('wasap_actor_failures', 'Failed event attempts since start', () => registry.stats().failures);
  metrics.gauge('wasap_actor_dead_letters', 'Events dead-lettered since start', () => registry.stats().deadLetters);
  metrics.gauge('wasap_actor_waiting_for_infrastructure', 'Actors whose current event waits for the database to come back', () => registry.stats().waiting);
  metrics.gauge('wasap_actor_unavailable_failures', 'Event attempts that failed because the database was unreachable (retried, never dead-lettered)', () => registry.stats().unavailableFailures);

  /** Hands an event to its actor; during shutdown the event stays durable and is picked up at the next start. */
  function tell(key: string, event: ConversationEvent): void {
    try {
      registry.tell(key, event);
    } catch (error) {
      if (!(error instanceof RegistryClosedError)) throw error;
    }
  }

  async function retellParked(key: string, sids: string[]): Promise<void> {
    for (const row of await parkedStatusEvents(db, sids)) tell(key, toEvent(row));
  }

  /** Durable before acknowledged: the row is committed before the webhook answers 200. */
  async function acceptInbound(message: InboundMessage, receivedAt = Date.now()): Promise<{ duplicate: boolean; eventId?: number }> {
    const event: Omit<InboundReceived, 'eventId'> = {
      type: 'inbound.received',
      messageSid: message.messageSid,
      profileName: message.profileName,
      body: message.body,
      media: message.media,
      extra: extraOf(message),
      receivedAt,
    };
    return accept('message', message.messageSid, message.from, event, message.raw);
  }

  async function acceptStatus(update: StatusUpdate): Promise<{ duplicate: boolean; eventId?: number }> {
    const event: Omit<StatusReceived, 'eventId'> = {
      type: 'status.received',
      messageSid: update.messageSid,
      status: update.status,
      errorCode: update.errorCode,
      errorMessage: update.errorMessage,
    };
    // One row per (message, status): a repeated callback is a duplicate, a new status is a new event.
    return accept('status', `${update.messageSid}:${update.status}`, update.to, event, update.raw);
  }

  /**
   * Per key, the insert and the hand-off to the actor run one after another, so the actor sees a
   * conversation's events in the order their rows were committed (the durable order of receipt).
   */
  const intake = new Map<string, Promise<unknown>>();
  function serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = intake.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.catch(() => {});
    intake.set(key, settled);
    void settled.then(() => {
      if (intake.get(key) === settled) intake.delete(key);
    });
    return next;
  }

  function accept(kind: string, providerSid: string, key: string, event: StoredPayload['event'], raw?: Record<string, string>) {
    return serial(key, () => insertAndTell(kind, providerSid, key, event, raw));
  }

  async function insertAndTell(kind: string, providerSid: string, key: string, event: StoredPayload['event'], raw?: Record<string, string>) {
    const id = await inboundWriter.insert({ providerSid, kind, conversationKey: key, payload: { event, raw } });
    const row = id === null ? undefined : { id };
    if (!row) {
      duplicates.inc({ kind });
      // The first delivery may have been stored without its actor being told (its answer lost in an outage):
      // hand the stored event over again. The actor applies an event once, however often it is told.
      await retellUnprocessed(providerSid);
      return { duplicate: true };
    }
    received.inc({ kind });
    tell(key, { ...event, eventId: row.id } as ConversationEvent);
    return { duplicate: false, eventId: row.id };
  }

  /**
   * A form submission: kept in the history and written as an event in one transaction, then told to
   * the actor (which updates the profile and moves the bot on). A repeated external id changes nothing.
   */
  async function acceptForm(
    key: string,
    input: { aspirantId: number; profile: FormProfile; source: 'hosted' | 'webhook'; externalId?: string; submittedAt?: number },
  ): Promise<{ submissionId: number; duplicate: boolean }> {
    const submittedAt = input.submittedAt ?? Date.now();
    return serial(key, async () => {
      const outcome = await db.transaction(async (tx) => {
        const [submission] = await tx
          .insert(formSubmissions)
          .values({ aspirantId: input.aspirantId, externalId: input.externalId, source: input.source, data: input.profile })
          .onConflictDoNothing({ target: formSubmissions.externalId })
          .returning({ id: formSubmissions.id });
        if (!submission) return null;
        const event: Omit<FormSubmitted, 'eventId'> = { type: 'form.submitted', submissionId: submission.id, profile: input.profile, submittedAt };
        const [row] = await tx
          .insert(inboundEvents)
          .values({ providerSid: `form:${submission.id}`, kind: 'form', conversationKey: key, payload: { event } })
          .returning({ id: inboundEvents.id });
        return { submissionId: submission.id, event: { ...event, eventId: row!.id } };
      });
      if (!outcome) {
        duplicates.inc({ kind: 'form' });
        const [existing] = await db.select({ id: formSubmissions.id }).from(formSubmissions).where(eq(formSubmissions.externalId, input.externalId!));
        return { submissionId: existing?.id ?? 0, duplicate: true };
      }
      received.inc({ kind: 'form' });
      tell(key, outcome.event);
      return { submissionId: outcome.submissionId, duplicate: false };
    });
  }

  /**
   * A recruiter's reply, through the actor (a call): resolves once persisted, `{ ok: true, messageId }`, or refused
   * with the reason (`code` and `message`). Never rejects: a database outage, a dead letter or a closed registry
   * resolve `{ ok: false, message }` too, which the page shows as it is.
   */
  async function reply(key: string, input: { userId: number; body?: string; contentSid?: string; contentVariables?: Record<string, string> }): Promise<ReplyResult> {
    let result: CallResult<ReplyResult>;
    try {
      result = await registry.call(key, { type: 'recruiter.replied', ...input, commandId: Bun.randomUUIDv7() });
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    if (result.unavailable) return { ok: false, message: new ServiceUnavailableError().message };
    // The actor answers every reply it handled; a dead-lettered one has no answer, so the recruiter is told this.
    if (result.deadLettered || result.reply === undefined) return { ok: false, message: 'The reply could not be saved; try again.' };
    return result.reply;
  }

  async function retellUnprocessed(providerSid: string): Promise<void> {
    const [stored] = await db
      .select()
      .from(inboundEvents)
      .where(and(eq(inboundEvents.providerSid, providerSid), isNull(inboundEvents.processedAt)));
    if (stored && !(stored.kind === 'status' && stored.attempts > 0)) tell(stored.conversationKey, toEvent(stored));
  }

  /**
   * The catch-up sweep: events acknowledged more than `olderThanMs` ago and still unprocessed, whose actor is not
   * busy, are told again — a hand-off lost to an outage (a write whose answer never came, a re-tell that failed)
   * is found here rather than at the next start. Status callbacks parked for a message not yet known are left
   * alone until that message's sid is recorded. Returns how many were told.
   */
  async function catchUp(olderThanMs: number): Promise<number> {
    const rows = await db
      .select()
      .from(inboundEvents)
      .where(
        and(
          isNull(inboundEvents.processedAt),
          lt(inboundEvents.receivedAt, new Date(Date.now() - olderThanMs)),
          sql`(${inboundEvents.kind} <> 'status' or exists (select 1 from messages m where m.provider_sid = ${inboundEvents.payload} -> 'event' ->> 'messageSid'))`,
        ),
      )
      .orderBy(asc(inboundEvents.id))
      .limit(1000);
    const idle = rows.filter((row) => !registry.busy(row.conversationKey));
    for (const row of idle) tell(row.conversationKey, toEvent(row));
    if (idle.length) logger.warn('unprocessed events handed to their actors again', { count: idle.length });
    return idle.length;
  }

  /** Events accepted but not processed before a stop or crash; status callbacks parked for over a day are closed. */
  async function recover(): Promise<number> {
    await db
      .update(inboundEvents)
      .set({ processedAt: new Date(), lastError: 'no message with this sid arrived within a day' })
      .where(and(isNull(inboundEvents.processedAt), eq(inboundEvents.kind, 'status'), lt(inboundEvents.receivedAt, sql`now() - interval '1 day'`)));
    const rows = await db.select().from(inboundEvents).where(isNull(inboundEvents.processedAt)).orderBy(asc(inboundEvents.id));
    for (const row of rows) tell(row.conversationKey, toEvent(row));
    if (rows.length) logger.info('recovering unprocessed events', { count: rows.length });
    return rows.length;
  }

  /** A recruiter resumes the bot for a conversation it was paused in. */
  async function resumeBot(key: string, userId: number): Promise<void> {
    await registry.send(key, { type: 'bot.resumed', userId, commandId: Bun.randomUUIDv7() });
  }

  /** Assignment, status changes and notes go through the actor too, so they are ordered with everything else. */
  async function command(key: string, event: ConversationEvent): Promise<void> {
    const result = await registry.send(key, { ...event, commandId: Bun.randomUUIDv7() } as ConversationEvent);
    if (result.unavailable) throw new ServiceUnavailableError();
    if (result.deadLettered) throw new Error('the change could not be saved; try again');
  }

  return {
    registry,
    tell,
    acceptInbound,
    acceptStatus,
    acceptForm,
    reply,
    resumeBot,
    assign: (key: string, userId: number, assigneeId: number | null) => command(key, { type: 'conversation.assigned', userId, assigneeId }),
    setStatus: (key: string, userId: number, status: ConversationState['status']) => command(key, { type: 'conversation.status_changed', userId, status }),
    addNote: (key: string, userId: number, body: string) => command(key, { type: 'note.added', userId, body }),
    recover,
    catchUp,
    /** Re-drives an open dead letter through its actor (NotFoundError when there is none with that id); resolves once handled. */
    async retryDeadLetter(id: number): Promise<{ key: string; type: string; deadLettered: boolean }> {
      const reopened = await reopenDeadLetter(db, id);
      const { key } = reopened;
      const event = reopened.inbound ? toEvent(reopened.inbound) : reopened.event;
      const result = await registry.send(key, event);
      if (result.unavailable) throw new ServiceUnavailableError();
      return { key, type: event.type, deadLettered: result.deadLettered };
    },
    drain: () => registry.drain(),
  };
}

function toEvent(row: typeof inboundEvents.$inferSelect): ConversationEvent {
  return { ...(row.payload as StoredPayload).event, eventId: row.id } as ConversationEvent;
}

function extraOf(message: InboundMessage): Record<string, unknown> | undefined {
  const extra: Record<string, unknown> = {};
  if (message.location) extra.location = message.location;
  if (message.button) extra.button = message.button;
  if (message.repliedToSid) extra.repliedToSid = message.repliedToSid;
  return Object.keys(extra).length ? extra : undefined;
}

export type ConversationSystem = ReturnType<typeof createConversationSystem>;
export type { CommitResult };
