/**
 * @module server/privacy/consents — the consent ledger (Law 1581 Art. 9, Decree 1377 Art. 8: the controller keeps proof
 * of each authorisation): one immutable row per authorisation or revocation of one scope, pointing to the notice version
 * and text hash she was shown. The latest row per scope holds; revocation (Law 1581 Art. 8 e) is a row like any other.
 */
import { desc, eq } from 'drizzle-orm';
import type { ConsentDecision, ConsentGrantor, ConsentScope, Locale, PrivacyChannel } from '../../actors/vocabulary';
import type { Db, Tx } from '../db/client';
import { consents } from '../db/schema';
import { currentNotice, type Notice } from './notices';

export type ConsentRow = typeof consents.$inferSelect;

/** What a decision was given on: the notice's version, the sha256 of its text and its language. */
export type NoticeRef = Pick<Notice, 'version' | 'sha256' | 'locale'>;

/** The purposes of the data-treatment authorisation the form asks for (the notice says what each means). */
export const TREATMENT_PURPOSES = ['recruitment', 'contact'] as const;

/** The purpose recorded for each sensitive scope's authorisation. */
export const SENSITIVE_PURPOSES: Record<Exclude<ConsentScope, 'treatment'>, string> = { photos: 'photos', measurements: 'measurements', children: 'children' };

export interface ConsentInput {
  aspirantId: number;
  scope: ConsentScope;
  decision: ConsentDecision;
  /** Empty for a revocation. */
  purposes?: string[];
  notice: NoticeRef;
  channel: PrivacyChannel;
  grantedBy?: ConsentGrantor;
  guardianId?: number | null;
  /** The client's address (server/forms/http clientIp, which honours TRUST_PROXY) and User-Agent, when there is a request. */
  ip?: string | null;
  userAgent?: string | null;
  at?: Date;
}

/** Longest User-Agent kept: enough to recognise a browser, not a place to store a payload. */
const USER_AGENT_MAX = 512;

/** Appends rows to the ledger (in `db`'s transaction when given one); returns them as stored. */
export async function recordConsents(db: Db | Tx, rows: ConsentInput[]): Promise<ConsentRow[]> {
  if (rows.length === 0) return [];
  return db
    .insert(consents)
    .values(
      rows.map((r) => ({
        aspirantId: r.aspirantId,
        scope: r.scope,
        decision: r.decision,
        purposes: r.decision === 'revocation' ? [] : (r.purposes ?? []),
        noticeVersion: r.notice.version,
        noticeSha256: r.notice.sha256,
        noticeLocale: r.notice.locale,
        channel: r.channel,
        grantedBy: r.grantedBy ?? 'aspirant',
        guardianId: r.guardianId ?? null,
        ip: r.ip ?? null,
        userAgent: r.userAgent ? r.userAgent.slice(0, USER_AGENT_MAX) : null,
        ...(r.at ? { at: r.at } : {}),
      })),
    )
    .returning();
}

/** Her whole ledger, newest first (the proof of authorisation, Law 1581 Art. 8 b). */
export async function consentsOf(db: Db, aspirantId: number): Promise<ConsentRow[]> {
  return db.select().from(consents).where(eq(consents.aspirantId, aspirantId)).orderBy(desc(consents.at), desc(consents.id));
}

/**
 * The latest decision per scope — an authorisation or a revocation (check `decision`); a scope she never decided on is
 * absent. See `isAuthorised`.
 */
export async function inForce(db: Db, aspirantId: number): Promise<Partial<Record<ConsentScope, ConsentRow>>> {
  const latest: Partial<Record<ConsentScope, ConsentRow>> = {};
  for (const row of await consentsOf(db, aspirantId)) latest[row.scope as ConsentScope] ??= row;
  return latest;
}

/** Whether `scope` is authorised in `inForce`'s answer (its latest row is an authorisation). */
export function isAuthorised(rows: Partial<Record<ConsentScope, ConsentRow>>, scope: ConsentScope): boolean {
  return rows[scope]?.decision === 'authorisation';
}

/**
 * Records a revocation of `scope` (Law 1581 Art. 8 e, Art. 15), on the notice in force in her language. It does not
 * erase the data already given: an erasure is its own request (server/privacy/erase).
 */
export async function revokeConsent(
  db: Db,
  input: { aspirantId: number; scope: ConsentScope; channel: PrivacyChannel; locale: Locale; ip?: string | null; userAgent?: string | null; at?: Date },
): Promise<ConsentRow> {
  const notice = await currentNotice(db, input.locale);
  const [row] = await recordConsents(db, [{ ...input, decision: 'revocation', notice }]);
  return row!;
}
