/**
 * @module server/privacy/erase — erasing one person (supresión, Law 1581 Arts. 8 e and 15; Decree 1377 Art. 9): her
 * aspirant row and everything under it, the webhook rows and dead letters that carry her identity, and her personal
 * text in the audit trails (server/privacy/erase-scrub). What stays: her data-subject requests and the reads of her
 * data (without her, their personal text cleared), the audit entries that hold no personal data, an `aspirant.erased`
 * entry naming none, and the salted hashes that remember her opt-out (server/privacy/erased-subjects).
 *
 * Ordering, so that nothing races: the erasure runs in her conversation actor's turn (registry `exclusive`): every
 * event queued before it is handled first; events arriving meanwhile wait and then start from what the store holds
 * (no aspirant: a clean one). Unprocessed message rows are kept for that reason — they are hers to come. The rows go
 * in one transaction that also queues the media keys in `blob_deletions`; the files are deleted after it, retried,
 * and any the store refused stay queued and make the report incomplete (never a false success).
 */
import { sql } from 'drizzle-orm';
import type { Config } from '../config';
import { resolveSecret } from '../config';
import type { Db, Tx } from '../db/client';
import { rowsOf } from '../db/rows';
import { NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { BlobStore } from '../storage/blob-store';
import { deleteQueuedBlobs, queueBlobDeletions, retryBlobDeletions, type BlobDeletionOptions } from './blob-deletions';
import { identityHashes, identityKey } from './erased-subjects';
import { scrubPersonalText, type Subject } from './erase-scrub';

/** Who erases: an admin (`label` her e-mail, `userId`), `cli`, `retention`. */
export interface ErasureActor {
  label: string;
  userId?: number | null;
  ip?: string;
}

export interface EraseOptions {
  actor: ErasureActor;
  /** `request`: a data-subject request or an admin; `retention`: the retention job (server/privacy/retention). */
  reason: 'request' | 'retention';
  /** The data-subject request it answers, when there is one (recorded in the audit entry). */
  requestId?: number;
}

export interface ErasureDeps {
  db: Db;
  blobs: BlobStore;
  /** Runs the erasure in the conversation's actor turn (server/conversations/system `exclusive`). */
  conversations: { exclusive<T>(key: string, work: (fenced: (tx: Tx) => Promise<void>) => Promise<T>): Promise<T>; forget(ids: { mediaIds: number[]; messageIds: number[] }): void };
  /** The install's secret (server/config resolveSecret): the erased-subject hashes' key derives from it. */
  secret: string;
  logger?: Logger;
  /** Retries of each file deletion in the erasure itself (default 3 tries). */
  blobRetry?: BlobDeletionOptions;
}

/** What was erased, by count (no personal data): the report an admin, the CLI and the audit entry show. */
export interface ErasureReport {
  aspirantId: number;
  reason: EraseOptions['reason'];
  conversations: number;
  messages: number;
  media: number;
  notes: number;
  formSubmissions: number;
  consents: number;
  guardians: number;
  journalEvents: number;
  inboundEvents: number;
  deadLetters: number;
  /** Audit entries, reads and requests whose personal text was cleared. */
  auditEntriesCleared: number;
  readsCleared: number;
  requestsCleared: number;
  /** Files deleted from the blob store, and those still queued for deletion (retried until gone). */
  filesDeleted: number;
  filesPending: number;
  /** False while files are pending: the erasure is not finished. */
  complete: boolean;
}

/** The erasure's dependencies from the server's own (the admin routes, the retention job). */
export function erasureDeps(config: Config, db: Db, services: { blobs: BlobStore; conversations: ErasureDeps['conversations'] }, logger?: Logger): ErasureDeps {
  return { db, blobs: services.blobs, conversations: services.conversations, secret: resolveSecret(config), logger };
}

/** Her identities and the words that identify her in free text. @throws NotFoundError */
export async function findSubject(db: Db | Tx, aspirantId: number): Promise<Subject> {
  const [row] = rowsOf<Subject & { opted_out: boolean }>(
    await db.execute(sql`
      select a.id, a.whatsapp_id as "whatsappId", a.phone, a.bsuid, a.username, a.whatsapp_name as "whatsappName", a.first_name as "firstName",
             a.last_name as "lastName", a.email, a.opted_out_at is not null as "optedOut",
             coalesce((select jsonb_agg(jsonb_build_object('name', g.name, 'phone', g.phone, 'email', g.email, 'document', g.document_number))
                       from guardians g where g.aspirant_id = a.id), '[]'::jsonb) as guardians
      from aspirants a where a.id = ${aspirantId}`),
  );
  if (!row) throw new NotFoundError(`Aspirant ${aspirantId}`);
  return { ...row, guardians: typeof row.guardians === 'string' ? JSON.parse(row.guardians) : row.guardians };
}

const COUNTS = sql`
  select (select count(*) from conversations c where c.aspirant_id = a.id)::int as conversations,
         (select count(*) from messages m join conversations c on c.id = m.conversation_id where c.aspirant_id = a.id)::int as messages,
         (select count(*) from media d join messages m on m.id = d.message_id join conversations c on c.id = m.conversation_id where c.aspirant_id = a.id)::int as media,
         (select count(*) from notes n join conversations c on c.id = n.conversation_id where c.aspirant_id = a.id)::int as notes,
         (select count(*) from form_submissions f where f.aspirant_id = a.id)::int as "formSubmissions",
         (select count(*) from consents s where s.aspirant_id = a.id)::int as consents,
         (select count(*) from guardians g where g.aspirant_id = a.id)::int as guardians,
         (select count(*) from conversation_events e join conversations c on c.id = e.conversation_id where c.aspirant_id = a.id)::int as "journalEvents"
  from aspirants a`;

/** What is held of one person, by count: the rows an erasure deletes. */
export type RowCounts = Pick<ErasureReport, 'conversations' | 'messages' | 'media' | 'notes' | 'formSubmissions' | 'consents' | 'guardians' | 'journalEvents'>;

/** The counts of what is held of aspirant `aspirantId` (the admin page's summary, `wasap aspirant show`); null when there is none. */
export async function heldCounts(db: Db | Tx, aspirantId: number): Promise<RowCounts | null> {
  const [counts] = rowsOf<RowCounts>(await db.execute(sql`${COUNTS} where a.id = ${aspirantId}`));
  return counts ?? null;
}

/** Deletes the rows in one transaction; answers the counts and the blob keys it queued. */
async function eraseRows(deps: ErasureDeps, subject: Subject, options: EraseOptions, fenced: (tx: Tx) => Promise<void>) {
  return deps.db.transaction(async (tx) => {
    // With several processes: the conversation's shard is still held by the process holding her actor's turn, and
    // stays so until this commits (a takeover waits): a stale process erases nothing.
    await fenced(tx);
    const counts = await heldCounts(tx, subject.id);
    const conversationIds = rowsOf<{ id: number }>(await tx.execute(sql`select id from conversations where aspirant_id = ${subject.id} order by id`)).map((c) => Number(c.id));
    const media = rowsOf<{ id: number; blob_key: string | null }>(
      await tx.execute(sql`select d.id, d.blob_key from media d join messages m on m.id = d.message_id join conversations c on c.id = m.conversation_id where c.aspirant_id = ${subject.id}`),
    );
    const sends = rowsOf<{ message_id: number }>(await tx.execute(sql`select o.message_id from outbox o join conversations c on c.id = o.conversation_id where c.aspirant_id = ${subject.id}`));
    // A fetch or a send in flight ends after this: its outcome is dropped, a late file deleted (server/privacy/erasure-guard).
    deps.conversations.forget({ mediaIds: media.map((m) => Number(m.id)), messageIds: sends.map((o) => Number(o.message_id)) });
    const keys = media.map((m) => m.blob_key).filter((k): k is string => k !== null);
    await queueBlobDeletions(tx, keys, 'erasure');
    const identities = [subject.whatsappId, subject.phone, subject.bsuid].filter((x): x is string => !!x);
    const ids = JSON.stringify(identities);
    // Her webhook rows, except messages not handled yet: those arrived during the erasure and start her anew.
    const inbound = rowsOf<{ n: number }>(
      await tx.execute(sql`with gone as (delete from inbound_events where conversation_key in (select jsonb_array_elements_text(${ids}::jsonb))
        and (processed_at is not null or kind = 'status' or id in (select inbound_event_id from dead_letters where inbound_event_id is not null and conversation_key in (select jsonb_array_elements_text(${ids}::jsonb))))
        returning 1) select count(*)::int as n from gone`),
    );
    const dead = rowsOf<{ n: number }>(
      await tx.execute(sql`with gone as (delete from dead_letters where conversation_key in (select jsonb_array_elements_text(${ids}::jsonb)) returning 1) select count(*)::int as n from gone`),
    );
    const cleared = await scrubPersonalText(tx, subject);
    await tx.execute(sql`delete from aspirants where id = ${subject.id}`);
    const key = identityKey(deps.secret);
    for (const hash of identityHashes(key, subject)) {
      await tx.execute(sql`insert into erased_subjects (identity_hash, opted_out, reason) values (${hash}, ${subject.optedOut}, ${options.reason})
        on conflict (identity_hash) do update set opted_out = excluded.opted_out, reason = excluded.reason, erased_at = now()`);
    }
    const result = { counts: counts!, keys, inboundEvents: Number(inbound[0]?.n ?? 0), deadLetters: Number(dead[0]?.n ?? 0), cleared };
    // In the same transaction: an erasure is never without its entry. Ids and counts only, no personal data; the
    // conversation ids let replay and the admin page tell an erased conversation from one that never was (erase-records).
    const details = {
      reason: options.reason,
      requestId: options.requestId ?? null,
      conversationIds,
      ...result.counts,
      inboundEvents: result.inboundEvents,
      deadLetters: result.deadLetters,
      filesQueued: keys.length,
    };
    await tx.execute(sql`insert into audit_log (actor, actor_user_id, action, target_type, target_id, details, ip)
      values (${options.actor.label}, ${options.actor.userId ?? null}, 'aspirant.erased', 'aspirant', ${String(subject.id)}, ${JSON.stringify(details)}::jsonb, ${options.actor.ip ?? null})`);
    return result;
  });
}

/**
 * Erases the aspirant `aspirantId` and answers what went. Runs in her conversation actor's turn; then deletes her
 * files from the blob store. Audited as `aspirant.erased` in the erasing transaction (aspirant id, reason, request id,
 * counts: no personal data).
 * @throws NotFoundError when there is no such aspirant (erased before, or never); RegistryClosedError while the server
 * shuts down; a database error (nothing was erased: one transaction).
 */
export async function eraseAspirant(deps: ErasureDeps, aspirantId: number, options: EraseOptions): Promise<ErasureReport> {
  const { db } = deps;
  const first = await findSubject(db, aspirantId);
  const erased = await deps.conversations.exclusive(first.whatsappId, async (fenced) => eraseRows(deps, await findSubject(db, aspirantId), options, fenced));
  const files = await deleteQueuedBlobs(db, deps.blobs, erased.keys, deps.blobRetry);
  if (files.pending.length) deps.logger?.warn('erased files not deleted yet; queued for retry', { aspirantId, pending: files.pending.length });
  const report: ErasureReport = {
    aspirantId,
    reason: options.reason,
    ...erased.counts,
    inboundEvents: erased.inboundEvents,
    deadLetters: erased.deadLetters,
    auditEntriesCleared: erased.cleared.audit,
    readsCleared: erased.cleared.reads,
    requestsCleared: erased.cleared.requests,
    filesDeleted: files.deleted,
    filesPending: files.pending.length,
    complete: files.pending.length === 0,
  };
  // Earlier erasures' files the store refused: tried again now, while the store answers.
  await retryBlobDeletions(db, deps.blobs, deps.blobRetry).catch((error: unknown) => deps.logger?.warn('queued file deletions not retried', { err: error as Error }));
  return report;
}
