/**
 * @module server/routes/privacy/minors-panel — the aspirant panel's minors section (Law 1581 Art. 7; Decree 1377 Art.
 * 12): `GET /privacy/conversations/:id/minors` (an empty body when she is not a minor by her form) and `POST
 * …/minors/resend`, which sends her guardian's link again on WhatsApp (server/privacy/guardian-link `send`), audited
 * `guardian.link_sent` and limited to RESEND_LIMIT per guardian an hour. Recruiters on conversations they may see
 * (assigned to them or unassigned, as the inbox checks), else 404; admins on every one. CSRF on the POST (authPlugin).
 */
import { eq } from 'drizzle-orm';
import { Elysia, t } from 'elysia';
import { translator } from '../../../views/i18n';
import { MinorsSection } from '../../../views/privacy/minors-section';
import { authPlugin } from '../../auth/plugin';
import type { SessionRow } from '../../auth/sessions';
import { recordAudit } from '../../db/queries/audit';
import { canSee } from '../../db/queries/inbox';
import type { PublicUser } from '../../db/queries/users';
import { aspirants, conversations } from '../../db/schema';
import { NotFoundError } from '../../errors';
import { limiters } from '../../forms/shared-rate-limit';
import { ageOn, isMinorAt } from '../../forms/validate-minor';
import { bogotaDay } from '../../privacy/deadlines';
import { latestGuardian } from '../../privacy/guardians';
import { htmlResponse } from '../html';
import type { PrivacyRouteDeps } from './deps';

/** Link sends a recruiter may ask for one guardian an hour: enough to retry, too few to pester a parent. */
export const RESEND_LIMIT = { limit: 3, windowMs: 60 * 60_000 };

const idParams = t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647, multipleOf: 1 }) });

export function minorsPanelRoutes(deps: PrivacyRouteDeps) {
  const { db } = deps;
  const nowMs = deps.now ?? Date.now;
  const resends = limiters({ db, shared: Boolean(deps.config.databaseUrl), now: nowMs })('guardian.resend', RESEND_LIMIT);
  const links = deps.services.guardianLinks;

  /** Her date of birth and the day her form made her a minor, when this reader may see the conversation; 404 otherwise. */
  async function visibleMinor(user: PublicUser, conversationId: number) {
    if (!(await canSee(db, user, conversationId))) throw new NotFoundError('That conversation');
    const [row] = await db
      .select({ aspirantId: aspirants.id, birthDate: aspirants.birthDate, submittedAt: aspirants.formSubmittedAt })
      .from(conversations)
      .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
      .where(eq(conversations.id, conversationId));
    if (!row) throw new NotFoundError('That conversation');
    const minor = row.birthDate !== null && isMinorAt(row.birthDate, row.submittedAt ?? new Date(nowMs()));
    return { ...row, minor };
  }

  async function section(user: PublicUser, session: SessionRow, conversationId: number, extra: { notice?: string; error?: string } = {}, status = 200) {
    const her = await visibleMinor(user, conversationId);
    if (!her.minor || !her.birthDate) return htmlResponse('', 200);
    const guardian = await latestGuardian(db, her.aspirantId);
    // The link is the guardian's authority: shown only to an admin, only when WhatsApp cannot carry it (no phone), and
    // every showing is audited — a recruiter who could copy it and her document number could authorise in her place.
    const pending = guardian && !guardian.authorisedAt && !guardian.declinedAt;
    const link = pending && user.role === 'admin' && !guardian.phone ? links.linkFor(guardian.id) : undefined;
    if (link && guardian) {
      await recordAudit(db, { actor: user.email, actorUserId: user.id, action: 'guardian.link_viewed', targetType: 'guardian', targetId: guardian.id, details: { conversationId } });
    }
    const age = ageOn(her.birthDate, bogotaDay(new Date(nowMs())));
    const i18n = translator(user.locale, user.timeZone);
    return htmlResponse(MinorsSection({ i18n, conversationId, csrf: session.csrfToken, age, birthDate: her.birthDate, guardian, link, ...extra }), status);
  }

  return new Elysia({ name: 'privacy-minors-panel', prefix: '/privacy/conversations' })
    .use(authPlugin({ db, secureCookies: deps.secureCookies }))
    .guard({ requireUser: true, params: idParams }, (signedIn) =>
      signedIn
        .get('/:id/minors', async function minorsSection({ user, session, params }) {
          return section(user, session, params.id);
        })
        .post('/:id/minors/resend', async function resendGuardianLink({ user, session, params }) {
          const her = await visibleMinor(user, params.id);
          const { t: say } = translator(user.locale, user.timeZone);
          const guardian = her.minor ? await latestGuardian(db, her.aspirantId) : undefined;
          if (!guardian || guardian.authorisedAt || guardian.declinedAt || !guardian.phone) return section(user, session, params.id);
          if (!(await resends.hit(String(guardian.id))).ok) return section(user, session, params.id, { error: say('privacy.minors.section.tooMany') }, 429);
          const outcome = await links.send(guardian.id);
          const details = { conversationId: params.id, status: outcome.status, ...(outcome.status === 'failed' ? { reason: outcome.reason } : {}) };
          await recordAudit(db, { actor: user.email, actorUserId: user.id, action: 'guardian.link_sent', targetType: 'guardian', targetId: guardian.id, details });
          if (outcome.status === 'sent') return section(user, session, params.id, { notice: say('privacy.minors.section.resent') });
          const reason = outcome.status === 'failed' ? outcome.reason : 'no phone';
          return section(user, session, params.id, { error: say('privacy.minors.section.resendFailed', { reason }) });
        }),
    );
}
