/**
 * @module server/privacy/guardian-decision — what the guardian's page (/g/:token) does with her answer (Law 1581 Art. 7;
 * Decree 1377 Art. 12): the ID document number she types is compared with the one the minor gave (separators removed,
 * for either answer, so a forwarded link alone cannot decide), the decision is recorded once with the notice she read
 * and where it came from (./guardians decideGuardian: consent-ledger rows when she authorises), and the conversation is
 * told (ConversationSystem.guardianDecision, durable and unique per guardian and decision: telling it again after a
 * crash, or on a second click, changes nothing).
 */
import type { Locale } from '../../actors/vocabulary';
import type { Db } from '../db/client';
import { normaliseDocumentNumber } from '../forms/validate-minor';
import type { Logger } from '../logger';
import { guardianNotice } from './guardian-notice';
import { decideGuardian, getGuardian, minorOf, notifyGuardianDecision, type DecisionSource, type GuardianDecisionKind, type GuardianDecisionSink } from './guardians';

export interface GuardianDecisionDeps {
  db: Db;
  conversations: GuardianDecisionSink;
  logger: Logger;
  agencyName: string;
}

/** `decided`/`already`: her (now) recorded decision; `mismatch`: the number differs; `missing`: no such guardian (erased). */
export type PageDecision = { result: 'decided' | 'already'; decision: GuardianDecisionKind; at: Date } | { result: 'mismatch' } | { result: 'missing' };

/** The decision a guardian recorded before, if any (the page then shows it instead of the form). */
export function recordedDecision(row: { authorisedAt: Date | null; declinedAt: Date | null }): { decision: GuardianDecisionKind; at: Date } | undefined {
  if (row.authorisedAt) return { decision: 'authorised', at: row.authorisedAt };
  if (row.declinedAt) return { decision: 'declined', at: row.declinedAt };
  return undefined;
}

/**
 * Records the guardian's answer given through her link. `documentNumber` as typed; `locale` is the page's language
 * (the notice she read). @returns what happened; never throws for a failed notification (logged: the row is the truth
 * and a later visit tells the conversation again).
 */
export async function decideThroughLink(
  deps: GuardianDecisionDeps,
  input: { guardianId: number; decision: GuardianDecisionKind; documentNumber: string; locale: Locale; source: DecisionSource; at: Date },
): Promise<PageDecision> {
  const { db } = deps;
  const row = await getGuardian(db, input.guardianId);
  if (!row) return { result: 'missing' };
  const earlier = recordedDecision(row);
  if (!earlier && normaliseDocumentNumber(input.documentNumber) !== row.documentNumber) return { result: 'mismatch' };
  const notice = await guardianNotice(db, input.locale, deps.agencyName);
  const outcome = await decideGuardian(db, { ...input, documentNumber: row.documentNumber, notice });
  if (outcome.result === 'mismatch' || outcome.result === 'missing') return outcome;
  await tellConversation(deps, input.guardianId, outcome.decision, outcome.at);
  return { result: outcome.result, decision: outcome.decision, at: outcome.at };
}

async function tellConversation(deps: GuardianDecisionDeps, guardianId: number, decision: GuardianDecisionKind, at: Date): Promise<void> {
  const minor = await minorOf(deps.db, guardianId);
  if (!minor) return;
  const event = { type: decision === 'authorised' ? ('guardian.authorised' as const) : ('guardian.declined' as const), guardianId, at: at.getTime() };
  try {
    await notifyGuardianDecision(deps.conversations, minor.key, event, deps.logger);
  } catch (error) {
    deps.logger.error('guardian decision recorded but not told to the conversation', { guardianId, err: error as Error });
  }
}
