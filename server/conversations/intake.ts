/**
 * @module server/conversations/intake — durable before acknowledged: a webhook's message or status, or a form
 * submission, is written as an `inbound_events` row (unique on the provider's id) and committed before the caller
 * answers; then its actor is told. A duplicate delivery writes nothing and re-tells a stored event still unprocessed.
 * An aspirant's message also creates their aspirant row in the same statement when it is their first.
 *
 * Whose actor is told is resolved in that statement (server/db/inbound-statement): the aspirant with the message's
 * BSUID, else with its phone — so a person who writes first with her BSUID alone and later with BSUID and phone (or
 * the reverse) stays one aspirant with one conversation, keyed as she was first seen (server/whatsapp/identity).
 */
import { eq } from 'drizzle-orm';
import type { ConversationEvent, FormProfile, FormSubmitted, GuardianDecision, InboundReceived, StatusReceived } from '../../actors/conversation/types';
import { createInboundWriter, type InboundRow } from '../db/batch-insert';
import type { Db } from '../db/client';
import { formSubmissions, inboundEvents } from '../db/schema';
import { writeFormConsents, type ConsentEvidence } from '../forms/form-consents';
import type { Metrics } from '../metrics';
import { normaliseIdentity } from '../whatsapp/identity';
import type { InboundMessage, StatusUpdate, WhatsAppIdentity } from '../whatsapp/port';
import { toEvent, type StoredPayload } from './stored-events';

export type { StatusUpdate } from '../whatsapp/port';
/** The conversation key of a person first seen with this identity: her number when known, else her BSUID. */
export { keyOf } from '../whatsapp/identity';

export interface FormInput {
  aspirantId: number;
  profile: FormProfile;
  source: 'hosted' | 'webhook';
  externalId?: string;
  submittedAt?: number;
  /**
   * The notice and traces of her authorisations: with it, the submission's consent-ledger rows are written in the same
   * transaction (server/forms/form-consents). The hosted form and the webhook always give it.
   */
  consents?: ConsentEvidence;
}

/** What the intake answers for a webhook's row: `duplicate` when stored before; `key` her conversation (actor) key. */
export interface Accepted {
  duplicate: boolean;
  eventId?: number;
  /** Absent only for a duplicate whose stored row is gone (retention erased it). */
  key?: string;
}

export interface IntakeDeps {
  db: Db;
  metrics: Metrics;
  /** Hands a committed event to its actor. */
  tell(key: string, event: ConversationEvent): void;
  /** Webhook-row writes in flight at once (1 for PGlite). */
  concurrency: number;
  /**
   * Awaited before each row is written (several processes: a process silent long enough to be forgotten — paused,
   * cut off for a minute or more — renews first, so the others hear it is back before it stores anything:
   * server/cluster/node `alone`).
   */
  beforeStore?(): Promise<void> | void;
}

export function createIntake(deps: IntakeDeps) {
  const { db } = deps;
  const received = deps.metrics.counter('wasap_webhooks_received_total', 'Webhook events accepted, by kind', ['kind'] as const);
  const duplicates = deps.metrics.counter('wasap_webhooks_duplicate_total', 'Webhook deliveries ignored as duplicates, by kind', ['kind'] as const);
  // A conversation's rows commit, and its actor is told, in the order they came (server/db/batch-insert).
  const writer = createInboundWriter(db, { concurrency: deps.concurrency });

  /** Throws TypeError when `identity` has neither an E.164 phone nor a BSUID (the providers' parsers refuse those). */
  async function accept(
    kind: string,
    providerSid: string,
    identity: WhatsAppIdentity,
    event: StoredPayload['event'],
    raw?: Record<string, unknown>,
    aspirant?: InboundRow['aspirant'],
  ): Promise<Accepted> {
    await deps.beforeStore?.();
    const stored = await writer.insert({ providerSid, kind, identity: normaliseIdentity(identity), payload: { event, raw }, aspirant });
    if (stored === null) {
      duplicates.inc({ kind });
      // The first delivery may have been stored without its actor being told (its answer lost in an outage):
      // hand the stored event over again. The actor applies an event once, however often it is told.
      return { duplicate: true, key: await retellUnprocessed(providerSid) };
    }
    received.inc({ kind });
    deps.tell(stored.key, { ...event, eventId: stored.id } as ConversationEvent);
    return { duplicate: false, eventId: stored.id, key: stored.key };
  }

  /** Tells the stored event again when it is still unprocessed; answers the key it was stored under. */
  async function retellUnprocessed(providerSid: string): Promise<string | undefined> {
    const [stored] = await db.select().from(inboundEvents).where(eq(inboundEvents.providerSid, providerSid));
    if (stored && stored.processedAt === null && !(stored.kind === 'status' && stored.attempts > 0)) deps.tell(stored.conversationKey, toEvent(stored));
    return stored?.conversationKey;
  }

  return {
    /**
     * An aspirant's WhatsApp message; resolves once its row is committed (`duplicate`: it was stored before) with her
     * conversation key (actor key).
     */
    acceptInbound(message: InboundMessage, receivedAt = Date.now()): Promise<Accepted> {
      // The envelope stays here (and `raw` beside the event); the event carries the provider-neutral message.
      const { messageSid, from, raw, profileName, ...parts } = message;
      const event: Omit<InboundReceived, 'eventId'> = { type: 'inbound.received', messageSid, ...(profileName === undefined ? {} : { profileName }), ...parts, receivedAt };
      // The aspirant row is written with the event: their actor then loads its id with the state.
      return accept('message', messageSid, from, event, raw, { whatsappName: profileName ?? null });
    },

    /**
     * A delivery status callback: one row per (message, status), so a repeated callback is a duplicate and a new status a
     * new event. Its recipient is resolved as a message's sender is (a missing BSUID or phone linked), but creates no one.
     */
    acceptStatus(update: StatusUpdate): Promise<Accepted> {
      const event: Omit<StatusReceived, 'eventId'> = {
        type: 'status.received',
        messageSid: update.messageSid,
        status: update.status,
        errorCode: update.errorCode,
        errorMessage: update.errorMessage,
        ...(update.pricingCategory === undefined ? {} : { pricingCategory: update.pricingCategory }),
        ...(update.callbackData === undefined ? {} : { callbackData: update.callbackData }),
      };
      return accept('status', `${update.messageSid}:${update.status}`, update.recipient, event, update.raw);
    },

    /**
     * A minor's guardian's decision (Decree 1377 Art. 12), stored as an `inbound_events` row before its actor is told,
     * like a form: it survives a crash (recovery re-tells it) and is applied once — the row is unique per guardian and
     * decision (`guardian:<id>:authorised|declined`), and the actor's `inbound.processed` marker runs once per row.
     */
    async acceptGuardian(key: string, decision: Omit<GuardianDecision, 'eventId'>): Promise<Accepted> {
      const verb = decision.type === 'guardian.authorised' ? 'authorised' : 'declined';
      const providerSid = `guardian:${decision.guardianId}:${verb}`;
      await deps.beforeStore?.();
      const [row] = await db
        .insert(inboundEvents)
        .values({ providerSid, kind: 'guardian', conversationKey: key, payload: { event: decision } })
        .onConflictDoNothing({ target: inboundEvents.providerSid })
        .returning({ id: inboundEvents.id });
      if (!row) {
        duplicates.inc({ kind: 'guardian' });
        return { duplicate: true, key: await retellUnprocessed(providerSid) };
      }
      received.inc({ kind: 'guardian' });
      deps.tell(key, { ...decision, eventId: row.id } as ConversationEvent);
      return { duplicate: false, eventId: row.id, key };
    },

    /**
     * A form submission: kept in the history and written as an event in one transaction, then told to the actor
     * (which updates the profile and moves the bot on), with her consent-ledger rows when `consents` is given. A
     * repeated external id changes nothing (no submission, event or ledger row).
     */
    async acceptForm(key: string, input: FormInput): Promise<{ submissionId: number; duplicate: boolean }> {
      const submittedAt = input.submittedAt ?? Date.now();
      await deps.beforeStore?.();
      const outcome = await db.transaction(async (tx) => {
        const [submission] = await tx
          .insert(formSubmissions)
          .values({ aspirantId: input.aspirantId, externalId: input.externalId, source: input.source, data: input.profile })
          .onConflictDoNothing({ target: formSubmissions.externalId })
          .returning({ id: formSubmissions.id });
        if (!submission) return null;
        if (input.consents) await writeFormConsents(tx, input.aspirantId, input.profile, input.consents, new Date(submittedAt));
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
      deps.tell(key, outcome.event);
      return { submissionId: outcome.submissionId, duplicate: false };
    },
  };
}
