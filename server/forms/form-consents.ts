/**
 * @module server/forms/form-consents — what an accepted form submission writes to the consent ledger (Law 1581 Art. 9
 * and Decree 1377 Art. 8, now DUR 1074/2015 Art. 2.2.2.25.2.5: proof of each authorisation; Art. 6: sensitive data only
 * with its own explicit authorisation; Art. 8 e: revocation). Called by server/conversations/intake inside the
 * transaction that stores the submission, and only for a submission that is not a duplicate.
 *
 * Rows written: `treatment` (purposes TREATMENT_PURPOSES) on every submission — she ticks it each time; each sensitive
 * scope ticked (purpose SENSITIVE_PURPOSES[scope]); and a `revocation` for each sensitive scope whose latest row is an
 * authorisation but whose box she left unticked this time. All on the same notice, channel, time, IP and User-Agent.
 */
import { desc, eq } from 'drizzle-orm';
import type { FormProfile } from '../../actors/conversation/types';
import type { ConsentDecision, ConsentScope, PrivacyChannel } from '../../actors/vocabulary';
import { SENSITIVE_SCOPES } from '../../views/form/sensitive-types';
import type { Db, Tx } from '../db/client';
import { consents } from '../db/schema';
import { recordConsents, SENSITIVE_PURPOSES, TREATMENT_PURPOSES, type ConsentInput, type ConsentRow, type NoticeRef } from '../privacy/consents';

/** Where and on what she gave the form's authorisations: the notice in force she was shown and the request's traces. */
export interface ConsentEvidence {
  /** The privacy notice's version, the sha256 of its text and its language (server/privacy/notices currentNotice). */
  notice: NoticeRef;
  /** `form` for the hosted form, `form_webhook` for an external tool. */
  channel: PrivacyChannel;
  /** Her address (server/forms/http clientIp) and browser, when known; null for a webhook that did not pass them. */
  ip?: string | null;
  userAgent?: string | null;
}

/** The ledger rows for one submission, given the latest decision per scope before it. Pure. */
export function formConsentRows(
  aspirantId: number,
  profile: Pick<FormProfile, 'sensitiveConsents'>,
  evidence: ConsentEvidence,
  latest: Partial<Record<ConsentScope, ConsentDecision>>,
  at: Date,
): ConsentInput[] {
  const base = { aspirantId, notice: evidence.notice, channel: evidence.channel, ip: evidence.ip ?? null, userAgent: evidence.userAgent ?? null, at };
  const ticked = new Set(profile.sensitiveConsents ?? []);
  const rows: ConsentInput[] = [{ ...base, scope: 'treatment', decision: 'authorisation', purposes: [...TREATMENT_PURPOSES] }];
  for (const scope of SENSITIVE_SCOPES) {
    if (ticked.has(scope)) rows.push({ ...base, scope, decision: 'authorisation', purposes: [SENSITIVE_PURPOSES[scope]] });
    else if (latest[scope] === 'authorisation') rows.push({ ...base, scope, decision: 'revocation' });
  }
  return rows;
}

/** The latest decision per scope, read in `db`'s transaction. */
async function latestDecisions(db: Db | Tx, aspirantId: number): Promise<Partial<Record<ConsentScope, ConsentDecision>>> {
  const rows = await db.select({ scope: consents.scope, decision: consents.decision }).from(consents).where(eq(consents.aspirantId, aspirantId)).orderBy(desc(consents.at), desc(consents.id));
  const latest: Partial<Record<ConsentScope, ConsentDecision>> = {};
  for (const row of rows) latest[row.scope as ConsentScope] ??= row.decision as ConsentDecision;
  return latest;
}

/** Writes the submission's ledger rows in `tx` (see the module comment); returns them as stored. */
export async function writeFormConsents(tx: Db | Tx, aspirantId: number, profile: Pick<FormProfile, 'sensitiveConsents'>, evidence: ConsentEvidence, at: Date): Promise<ConsentRow[]> {
  return recordConsents(tx, formConsentRows(aspirantId, profile, evidence, await latestDecisions(tx, aspirantId), at));
}
