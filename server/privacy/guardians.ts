/**
 * @module server/privacy/guardians — a minor's guardian and her authorisation (Law 1581 Art. 7: a child's or
 * adolescent's data are treated only with her legal representative's authorisation and in her best interest; Decree
 * 1377 Art. 12, now DUR 1074/2015 Art. 2.2.2.25.2.9: the representative authorises after the minor is heard).
 *
 * A submission from a minor records a `guardians` row (the same details again reuse it and its decision); the guardian
 * decides once through her signed link (server/privacy/guardian-token): authorising writes `authorised_at` and the
 * consent-ledger rows for `treatment` and `photos` granted by her; declining writes `declined_at`. Either then tells the
 * conversation's actor (notifyGuardianDecision).
 */
import { desc, eq } from 'drizzle-orm';
import type { ConsentScope } from '../../actors/vocabulary';
import type { Db } from '../db/client';
import { aspirants, consents, conversations, guardians } from '../db/schema';
import type { GuardianInput } from '../forms/validate-minor';
import type { Logger } from '../logger';
import type { GuardianNotice } from './guardian-notice';

export type Guardian = typeof guardians.$inferSelect;

/** What a guardian's authorisation covers: the treatment of the minor's data, and her photos (sensitive: images). */
export const GUARDIAN_SCOPES: readonly ConsentScope[] = ['treatment', 'photos'];
/** The purposes recorded with the guardian's authorisation (as the form's own authorisation records them). */
export const GUARDIAN_PURPOSES = ['recruitment', 'contact'];

/** The newest guardian given for an aspirant, if any. */
export async function latestGuardian(db: Db, aspirantId: number): Promise<Guardian | undefined> {
  const [row] = await db.select().from(guardians).where(eq(guardians.aspirantId, aspirantId)).orderBy(desc(guardians.createdAt), desc(guardians.id)).limit(1);
  return row;
}

export async function getGuardian(db: Db, id: number): Promise<Guardian | undefined> {
  const [row] = await db.select().from(guardians).where(eq(guardians.id, id));
  return row;
}

function sameDetails(row: Guardian, input: GuardianInput): boolean {
  return (
    row.name === input.name &&
    row.documentType === input.documentType &&
    row.documentNumber === input.documentNumber &&
    row.relationship === input.relationship &&
    row.phone === (input.phone ?? null) &&
    row.email === (input.email ?? null)
  );
}

/**
 * Records the guardian a minor's submission names. The newest row with exactly these details is reused (a form sent
 * twice does not ask twice); any change is a new row that needs its own authorisation.
 * @returns the row and whether it was created now.
 */
export async function recordGuardian(db: Db, aspirantId: number, input: GuardianInput): Promise<{ guardian: Guardian; created: boolean }> {
  const latest = await latestGuardian(db, aspirantId);
  if (latest && sameDetails(latest, input)) return { guardian: latest, created: false };
  const [guardian] = await db
    .insert(guardians)
    .values({ aspirantId, ...input, phone: input.phone ?? null, email: input.email ?? null })
    .returning();
  return { guardian: guardian!, created: true };
}

/** Where a guardian's decision came from, for the ledger: the client's address and User-Agent (kept to 512 characters). */
export interface DecisionSource {
  ip?: string | null;
  userAgent?: string | null;
}

export type GuardianDecisionKind = 'authorised' | 'declined';

/** `decided`: recorded now; `already`: she had decided before (nothing new written); `mismatch`: the document number differs. */
export type DecisionOutcome = { result: 'decided' | 'already'; decision: GuardianDecisionKind; at: Date; guardian: Guardian } | { result: 'mismatch' } | { result: 'missing' };

function decisionOf(row: Guardian): { decision: GuardianDecisionKind; at: Date } | undefined {
  if (row.authorisedAt) return { decision: 'authorised', at: row.authorisedAt };
  if (row.declinedAt) return { decision: 'declined', at: row.declinedAt };
  return undefined;
}

/**
 * The guardian decides, once: the row is locked, a decision already there is returned as it is (idempotent: a second
 * click writes nothing). Authorising needs her document number typed again (compared after removing separators) and
 * writes one ledger row per GUARDIAN_SCOPES, granted by `guardian`, on the notice she was shown, in one transaction.
 */
export async function decideGuardian(
  db: Db,
  input: { guardianId: number; decision: GuardianDecisionKind; documentNumber?: string; notice: GuardianNotice; source: DecisionSource; at: Date },
): Promise<DecisionOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(guardians).where(eq(guardians.id, input.guardianId)).for('update');
    if (!row) return { result: 'missing' } as const;
    const earlier = decisionOf(row);
    if (earlier) return { result: 'already', ...earlier, guardian: row } as const;
    if (input.decision === 'authorised' && input.documentNumber !== row.documentNumber) return { result: 'mismatch' } as const;
    const set = input.decision === 'authorised' ? { authorisedAt: input.at } : { declinedAt: input.at };
    const [updated] = await tx.update(guardians).set(set).where(eq(guardians.id, row.id)).returning();
    if (input.decision === 'authorised') {
      const { notice, source } = input;
      await tx.insert(consents).values(
        GUARDIAN_SCOPES.map((scope) => ({
          aspirantId: row.aspirantId,
          scope,
          decision: 'authorisation',
          purposes: scope === 'treatment' ? GUARDIAN_PURPOSES : ['photos'],
          noticeVersion: notice.version,
          noticeSha256: notice.sha256,
          noticeLocale: notice.locale,
          channel: 'guardian_link',
          grantedBy: 'guardian',
          guardianId: row.id,
          ip: source.ip ?? null,
          userAgent: source.userAgent?.slice(0, 512) ?? null,
          at: input.at,
        })),
      );
    }
    return { result: 'decided', decision: input.decision, at: input.at, guardian: updated! } as const;
  });
}

/** The aspirant behind a guardian: her first name, language and conversation key (her WhatsApp id). */
export async function minorOf(db: Db, guardianId: number): Promise<{ aspirantId: number; firstName: string; locale: 'es' | 'en'; key: string; conversationId?: number } | undefined> {
  const [row] = await db
    .select({ aspirantId: aspirants.id, firstName: aspirants.firstName, whatsappName: aspirants.whatsappName, locale: aspirants.locale, key: aspirants.whatsappId, conversationId: conversations.id })
    .from(guardians)
    .innerJoin(aspirants, eq(aspirants.id, guardians.aspirantId))
    .leftJoin(conversations, eq(conversations.aspirantId, aspirants.id))
    .where(eq(guardians.id, guardianId));
  if (!row) return undefined;
  return { aspirantId: row.aspirantId, firstName: row.firstName ?? row.whatsappName ?? '', locale: row.locale === 'en' ? 'en' : 'es', key: row.key, conversationId: row.conversationId ?? undefined };
}

/** Marks the link as sent (WhatsApp accepted it) at `at`. */
export async function markLinkSent(db: Db, guardianId: number, at: Date): Promise<void> {
  await db.update(guardians).set({ linkSentAt: at }).where(eq(guardians.id, guardianId));
}

/** The conversation event a decision becomes (h-bot's `guardian.authorised` / `guardian.declined`). */
export interface GuardianDecisionEvent {
  type: 'guardian.authorised' | 'guardian.declined';
  guardianId: number;
  /** Epoch ms of the decision. */
  at: number;
}

/** What the conversation system offers to deliver a decision durably (added by the bot's part: ConversationSystem.guardianDecision). */
export interface GuardianDecisionSink {
  guardianDecision?: (key: string, event: GuardianDecisionEvent) => Promise<unknown>;
}

/**
 * Tells the conversation's actor that her guardian decided, so the bot can go on (or stop) and the conversation is
 * marked for a recruiter. Until the conversation system has `guardianDecision`, nothing is sent (an unknown event would
 * be dead-lettered) and a warning is logged; the guardians row stays the source of truth either way.
 * @returns whether it was delivered.
 */
export async function notifyGuardianDecision(conversations: GuardianDecisionSink, conversationKey: string, event: GuardianDecisionEvent, logger?: Logger): Promise<boolean> {
  if (typeof conversations.guardianDecision !== 'function') {
    logger?.warn('guardian decision recorded; the conversation system cannot deliver it yet', { guardianId: event.guardianId, type: event.type });
    return false;
  }
  await conversations.guardianDecision(conversationKey, event);
  return true;
}
