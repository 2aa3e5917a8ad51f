/**
 * @module server/privacy/requests — data-subject requests (Law 1581 of 2012, Arts. 14–15): opening one with its legal
 * terms, tagging it in progress ("reclamo en trámite" for a claim, Art. 15: within 2 business days), extending its
 * term once and before it is due (Art. 14 ¶: "en ningún caso podrá superar los cinco (5) días hábiles siguientes al
 * vencimiento del primer término"; Art. 15: 8 for a claim), and closing it with the answer given. Every change is one
 * conditional UPDATE (two admins acting at once cannot both extend) and one audit entry that names ids and the right
 * only, never her words. Telling her on WhatsApp is ./request-notices'.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DataSubjectRight, PrivacyChannel } from '../../actors/vocabulary';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import { dataSubjectRequests } from '../db/schema';
import { AppError } from '../errors';
import { bogotaDay, termsFor } from './deadlines';
import { plainText } from './requests-text';

export type RequestRow = typeof dataSubjectRequests.$inferSelect;

/** Who acted: an e-mail or `cli`, and the user when there is one (audit_log.actor, actor_user_id). */
export interface RequestActor {
  label: string;
  userId?: number | null;
}

/** The longest text kept for her words, a reason or an answer (a WhatsApp message holds 1,600 characters; the answer is sent in one). */
export const REQUEST_TEXT_MAX = 2000;
export const RESOLUTION_MAX = 1400;
export const REASON_MAX = 500;

/** The statuses of a request still to be answered (data_subject_requests_open_idx's predicate). */
export const OPEN_STATUSES = ['received', 'in_progress'] as const;

/** Why a change was refused; `reason` keys the admin's words (views/i18n/privacy/requests `errors`). */
export class RequestRefusedError extends AppError {
  constructor(
    readonly reason: 'notFound' | 'closed' | 'alreadyExtended' | 'tooLate' | 'reason' | 'resolution' | 'status' | 'notStarted',
    message: string,
    status = 409,
  ) {
    super(`REQUEST_${reason.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, status, message);
  }
}

export interface OpenRequestInput {
  aspirantId: number | null;
  conversationId?: number | null;
  right: DataSubjectRight;
  channel: PrivacyChannel;
  /** Her words, kept as given (trimmed; at most REQUEST_TEXT_MAX characters). */
  details?: string | null;
  openedById?: number | null;
  receivedAt: Date;
  /** The inbound message that opened it (the bot): at most one request per message. */
  sourceMessageSid?: string | null;
}

function audit(db: Db, actor: RequestActor, action: string, row: RequestRow, extra: Record<string, unknown> = {}) {
  return recordAudit(db, { actor: actor.label, actorUserId: actor.userId, action, targetType: 'data_request', targetId: row.id, details: { right: row.right, ...extra } });
}

/** What openRequest did: `opened` false when the same right was already open for her (`row` is that open one). */
export interface OpenedRequest {
  row: RequestRow;
  opened: boolean;
}

/** Her open request of `right`, if any (at most one: data_subject_requests_open_right_key). */
export async function openRequestOf(db: Db, aspirantId: number, right: string): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(dataSubjectRequests)
    .where(and(eq(dataSubjectRequests.aspirantId, aspirantId), eq(dataSubjectRequests.right, right), inArray(dataSubjectRequests.status, [...OPEN_STATUSES])))
    .limit(1);
  return row;
}

/**
 * Opens a request with the terms of its right received at `receivedAt` (server/privacy/deadlines termsFor) and audits
 * `data_request.opened`. While she has one of the same right open (the partial unique index
 * data_subject_requests_open_right_key, so parallel calls cannot both insert) nothing is written, no audit entry either,
 * and the open one is returned with `opened: false`.
 */
export async function openRequest(db: Db, input: OpenRequestInput, actor: RequestActor = { label: input.channel }): Promise<OpenedRequest> {
  const terms = termsFor(input.right, input.receivedAt);
  const details = plainText(input.details)?.trim().slice(0, REQUEST_TEXT_MAX) || null;
  const inserted = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(dataSubjectRequests)
      .values({
        aspirantId: input.aspirantId,
        conversationId: input.conversationId ?? null,
        right: input.right,
        category: terms.category,
        channel: input.channel,
        receivedAt: input.receivedAt,
        dueOn: terms.dueOn,
        tagDueOn: terms.tagDueOn,
        details,
        openedById: input.openedById ?? null,
        sourceMessageSid: input.sourceMessageSid ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (row) await audit(tx as unknown as Db, actor, 'data_request.opened', row, { channel: input.channel });
    return row;
  });
  if (inserted) return { row: inserted, opened: true };
  const open = input.aspirantId === null ? undefined : await openRequestOf(db, input.aspirantId, input.right);
  if (!open) throw new RequestRefusedError('closed', 'The request could not be opened: try again.', 409);
  return { row: open, opened: false };
}

export async function getRequest(db: Db, id: number): Promise<RequestRow> {
  const [row] = await db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.id, id));
  if (!row) throw new RequestRefusedError('notFound', 'That request does not exist.', 404);
  return row;
}

/** Why an update matched no row: the request is missing or closed, else `fallback`. */
async function refusal(db: Db, id: number, fallback: () => RequestRefusedError): Promise<never> {
  const row = await getRequest(db, id);
  if (!(OPEN_STATUSES as readonly string[]).includes(row.status)) throw new RequestRefusedError('closed', 'The request is already closed.');
  throw fallback();
}

/**
 * Marks a received request in progress; a claim is tagged "reclamo en trámite" (tagged_at, Art. 15). Audited
 * `data_request.tagged`. @throws RequestRefusedError when it is missing, closed or already in progress.
 */
export async function tagInProgress(db: Db, id: number, actor: RequestActor, now: Date): Promise<RequestRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(dataSubjectRequests)
      .set({
        status: 'in_progress',
        taggedAt: sql`case when ${dataSubjectRequests.category} = 'claim' then ${now.toISOString()}::timestamptz else null end`,
        handledById: actor.userId ?? null,
        updatedAt: now,
      })
      .where(and(eq(dataSubjectRequests.id, id), eq(dataSubjectRequests.status, 'received')))
      .returning();
    if (!row) return refusal(tx as unknown as Db, id, () => new RequestRefusedError('notStarted', 'The request is already in progress.'));
    await audit(tx as unknown as Db, actor, 'data_request.tagged', row);
    return row;
  });
}

/**
 * Extends an open request's term once, to termsFor's `extendedDueOn` (Arts. 14–15), with the reason she is told.
 * Only while its first term has not passed (Bogotá day of `now` ≤ due_on). Audited `data_request.extended`.
 * @throws RequestRefusedError: no reason, missing, closed, already extended, or too late.
 */
export async function extend(db: Db, id: number, input: { reason: string; actor: RequestActor; now: Date }): Promise<RequestRow> {
  const reason = plainText(input.reason).trim();
  if (!reason) throw new RequestRefusedError('reason', 'Write the reason for the extension: she is told it.', 400);
  if (reason.length > REASON_MAX) throw new RequestRefusedError('reason', `The reason is at most ${REASON_MAX} characters.`, 400);
  const current = await getRequest(db, id);
  const extendedDueOn = termsFor(current.right as DataSubjectRight, current.receivedAt).extendedDueOn;
  const today = bogotaDay(input.now);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(dataSubjectRequests)
      .set({ extendedDueOn, extensionReason: reason, handledById: input.actor.userId ?? null, updatedAt: input.now })
      .where(
        and(eq(dataSubjectRequests.id, id), inArray(dataSubjectRequests.status, [...OPEN_STATUSES]), isNull(dataSubjectRequests.extendedDueOn), sql`${dataSubjectRequests.dueOn} >= ${today}::date`),
      )
      .returning();
    if (!row)
      return refusal(tx as unknown as Db, id, () =>
        current.extendedDueOn
          ? new RequestRefusedError('alreadyExtended', 'The term was already extended once.')
          : new RequestRefusedError('tooLate', 'The term has passed: it can only be extended before it is due.'),
      );
    await audit(tx as unknown as Db, input.actor, 'data_request.extended', row, { extendedDueOn });
    return row;
  });
}

/**
 * Closes an open request as `done` or `rejected` with the answer given (required: it is what she is told). Audited
 * `data_request.resolved` with the status, never the text. @throws RequestRefusedError: no answer, missing or closed.
 */
export async function resolve(db: Db, id: number, input: { status: 'done' | 'rejected'; resolution: string; actor: RequestActor; now: Date }): Promise<RequestRow> {
  if (input.status !== 'done' && input.status !== 'rejected') throw new RequestRefusedError('status', 'A request closes as done or rejected.', 400);
  const resolution = plainText(input.resolution).trim();
  if (!resolution) throw new RequestRefusedError('resolution', 'Write the answer she is given.', 400);
  if (resolution.length > RESOLUTION_MAX) throw new RequestRefusedError('resolution', `The answer is at most ${RESOLUTION_MAX} characters (it is sent in one WhatsApp message).`, 400);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(dataSubjectRequests)
      .set({ status: input.status, resolution, resolvedAt: input.now, handledById: input.actor.userId ?? null, updatedAt: input.now })
      .where(and(eq(dataSubjectRequests.id, id), inArray(dataSubjectRequests.status, [...OPEN_STATUSES])))
      .returning();
    if (!row) return refusal(tx as unknown as Db, id, () => new RequestRefusedError('closed', 'The request is already closed.'));
    await audit(tx as unknown as Db, input.actor, 'data_request.resolved', row, { status: input.status });
    return row;
  });
}

/** The day a request must be answered by: the extended one once extended. */
export function effectiveDueOn(row: Pick<RequestRow, 'dueOn' | 'extendedDueOn'>): string {
  return row.extendedDueOn ?? row.dueOn;
}
