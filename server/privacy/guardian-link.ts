/**
 * @module server/privacy/guardian-link — asks a minor's guardian for her authorisation (Decree 1377 Art. 12): records
 * the guardian a submission names and sends her the signed link on WhatsApp, through the provider's `send` directly
 * (her number is not a conversation of ours). GUARDIAN_TEMPLATE names the approved template to use — a number that has
 * not written to us can only be reached by one — with `{{1}}` = the minor's first name and `{{2}}` = the link; without
 * it the link goes as plain text. A guardian with only an e-mail gets no message (the product has no mailer): the
 * recruiter sees the link in the panel to send herself.
 */
import { resolveSecret, type Config } from '../config';
import type { Db } from '../db/client';
import type { GuardianInput } from '../forms/validate-minor';
import type { Logger } from '../logger';
import { providerClassifier } from '../whatsapp/send-errors';
import type { WhatsAppProvider } from '../whatsapp/port';
import { minorStrings } from '../../views/form/minor-strings';
import { createGuardianToken, guardianLink } from './guardian-token';
import { getGuardian, markLinkSent, minorOf, recordGuardian } from './guardians';

export interface GuardianLinkDeps {
  db: Db;
  config: Config;
  provider: Pick<WhatsAppProvider, 'send' | 'classify'>;
  logger: Logger;
  now?: () => number;
}

/** `sent`: WhatsApp accepted it; `no_phone`: only an e-mail (share the link by hand); `failed`: the provider refused (reason). */
export type LinkSendOutcome = { status: 'sent'; link: string } | { status: 'no_phone'; link: string } | { status: 'failed'; link: string; reason: string };

export type GuardianLinks = ReturnType<typeof createGuardianLinks>;

export function createGuardianLinks(deps: GuardianLinkDeps) {
  const { db, config, logger } = deps;
  const now = deps.now ?? Date.now;
  const secret = resolveSecret(config);

  /** A fresh signed link for the guardian (valid GUARDIAN_LINK_TTL from now). */
  function linkFor(guardianId: number): string {
    return guardianLink(config.publicUrl, createGuardianToken(secret, guardianId, now(), config.guardianLinkTtlMs));
  }

  /** Sends the link to the guardian's WhatsApp number and records `link_sent_at`; never throws for a provider's refusal. */
  async function send(guardianId: number): Promise<LinkSendOutcome> {
    const guardian = await getGuardian(db, guardianId);
    const minor = await minorOf(db, guardianId);
    if (!guardian || !minor) throw new Error(`no guardian ${guardianId}`);
    const link = linkFor(guardianId);
    if (!guardian.phone) return { status: 'no_phone', link };
    const s = minorStrings(minor.locale);
    const idempotencyKey = `guardian-link:${guardianId}:${now()}`;
    const message = config.guardianTemplate
      ? { to: guardian.phone, template: { ref: config.guardianTemplate, variables: { '1': minor.firstName, '2': link } }, idempotencyKey }
      : { to: guardian.phone, body: s.message(minor.firstName, config.agencyName, link), idempotencyKey };
    try {
      await deps.provider.send(message);
    } catch (error) {
      const reason = providerClassifier(deps.provider)(error).reason;
      logger.warn('guardian link not sent', { guardianId, reason });
      return { status: 'failed', link, reason };
    }
    await markLinkSent(db, guardianId, new Date(now()));
    return { status: 'sent', link };
  }

  /**
   * After a minor's submission was accepted: records her guardian and, when the row is new, sends the link. Never
   * throws for a failed send (her submission stands; the panel shows the recruiter the link to share).
   */
  async function accept(aspirantId: number, input: GuardianInput): Promise<void> {
    const { guardian, created } = await recordGuardian(db, aspirantId, input);
    if (!created || guardian.authorisedAt || guardian.declinedAt) return;
    try {
      await send(guardian.id);
    } catch (error) {
      logger.error('guardian link not sent', { guardianId: guardian.id, err: error as Error });
    }
  }

  return { linkFor, send, accept };
}
