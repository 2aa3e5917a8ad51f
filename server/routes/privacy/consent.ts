/**
 * @module server/routes/privacy/consent — the consent part of the personal-data pages (Law 1581); see ../privacy.ts for
 * what every part receives. The aspirant panel's sections: `GET /privacy/conversations/:id/consent` (her ledger, IP and
 * browser for admins only), `POST` the same path (a recruiter or admin records a revocation she asked for: scope and an
 * optional note, kept as a conversation note; audited), `GET /privacy/conversations/:id/sensitive` (her sensitive
 * answers, empty for a reader without sensitive access). Recruiters only on conversations they may see (as the inbox
 * checks), else 404. The admin's notice page is in ./notice-admin.
 */
import { eq } from 'drizzle-orm';
import { Elysia, t } from 'elysia';
import { CONSENT_SCOPES, type ConsentScope } from '../../../actors/vocabulary';
import { translator } from '../../../views/i18n';
import { ConsentSection } from '../../../views/privacy/consent-section';
import { SensitiveSection } from '../../../views/privacy/consent-sensitive';
import { authPlugin } from '../../auth/plugin';
import type { SessionRow } from '../../auth/sessions';
import type { Db } from '../../db/client';
import { recordAudit } from '../../db/queries/audit';
import { canSee } from '../../db/queries/inbox';
import type { PublicUser } from '../../db/queries/users';
import { aspirants, conversations } from '../../db/schema';
import { NotFoundError } from '../../errors';
import { consentsOf, revokeConsent } from '../../privacy/consents';
import { plainText } from '../../privacy/requests-text';
import { maySeeSensitive } from '../../privacy/sensitive-access';
import { htmlResponse } from '../html';
import type { PrivacyRouteDeps } from './deps';
import { privacyNoticeAdminRoutes } from './notice-admin';

/** Longest note kept with a revocation (it becomes a conversation note, whose limit is 4,000). */
export const REVOCATION_NOTE_MAX = 1000;

const idParams = t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647, multipleOf: 1 }) });
const isScope = (value: unknown): value is ConsentScope => (CONSENT_SCOPES as readonly unknown[]).includes(value);

/** Routes of this part, mounted by server/routes/privacy; each checks the session and role itself (authPlugin). */
export function privacyConsentRoutes(deps: PrivacyRouteDeps) {
  const { db } = deps;
  const nowMs = deps.now ?? Date.now;

  /** Her aspirant row's facts when this reader may see the conversation; 404 otherwise (a recruiter learns nothing). */
  async function visible(user: PublicUser, conversationId: number) {
    if (!(await canSee(db, user, conversationId))) throw new NotFoundError('That conversation');
    const [row] = await db
      .select({ aspirantId: aspirants.id, key: aspirants.whatsappId, locale: aspirants.locale, hasKids: aspirants.hasKids, measurements: aspirants.measurements })
      .from(conversations)
      .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
      .where(eq(conversations.id, conversationId));
    if (!row) throw new NotFoundError('That conversation');
    return row;
  }

  async function section(user: PublicUser, session: SessionRow, conversationId: number, aspirantId: number, extra: { notice?: string; error?: string } = {}, status = 200) {
    const rows = await consentsOf(db, aspirantId);
    const i18n = translator(user.locale, user.timeZone);
    return htmlResponse(ConsentSection({ i18n, conversationId, rows, admin: user.role === 'admin', csrf: session.csrfToken, noteMax: REVOCATION_NOTE_MAX, ...extra }), status);
  }

  return new Elysia({ name: 'privacy-consent' })
    .use(privacyNoticeAdminRoutes(deps))
    .use(authPlugin({ db, secureCookies: deps.secureCookies }))
    .guard({ requireUser: true, params: idParams }, (signedIn) =>
      signedIn
        .get('/privacy/conversations/:id/consent', async function consentSection({ user, session, params }) {
          const { aspirantId } = await visible(user, params.id);
          return section(user, session, params.id, aspirantId);
        })
        .post(
          '/privacy/conversations/:id/consent',
          async function recordRevocation({ user, session, params, body }) {
            const her = await visible(user, params.id);
            const { t: say } = translator(user.locale, user.timeZone);
            const note = plainText(body.note)?.trim() ?? '';
            if (!isScope(body.scope)) return section(user, session, params.id, her.aspirantId, { error: say('privacy.consent.section.errorScope') }, 400);
            if ([...note].length > REVOCATION_NOTE_MAX) return section(user, session, params.id, her.aspirantId, { error: say('privacy.consent.section.errorNote') }, 400);
            const locale = her.locale === 'en' ? 'en' : 'es';
            const scope: ConsentScope = body.scope;
            // The ledger row and its audit entry are one transaction: both are recorded or neither.
            const row = await db.transaction(async (tx) => {
              const revoked = await revokeConsent(tx as unknown as Db, { aspirantId: her.aspirantId, scope, channel: 'recruiter', locale, at: new Date(nowMs()) });
              await recordAudit(tx as unknown as Db, {
                actor: user.email,
                actorUserId: user.id,
                action: 'consent.revoked',
                targetType: 'consent',
                targetId: revoked.id,
                details: { scope, aspirantId: her.aspirantId, conversationId: params.id, noticeVersion: revoked.noticeVersion },
              });
              return revoked;
            });
            // The note may name her: it goes with her conversation (erased with it), never into the audit log. It is
            // written after: a failure loses the note only, and the reader is told so.
            if (note) {
              try {
                await deps.services.conversations.addNote(her.key, user.id, say('privacy.consent.section.note', { scope: say(`privacy.consent.scopes.${scope}`), note }));
              } catch (error) {
                deps.logger.warn('revocation recorded, its note not saved', { consentId: row.id, err: error as Error });
                return section(user, session, params.id, her.aspirantId, { notice: say('privacy.consent.section.revoked'), error: say('privacy.consent.section.errorNoteLost') });
              }
            }
            return section(user, session, params.id, her.aspirantId, { notice: say('privacy.consent.section.revoked') });
          },
          { body: t.Object({ scope: t.Optional(t.String({ maxLength: 40 })), note: t.Optional(t.String({ maxLength: REVOCATION_NOTE_MAX * 4 })) }) },
        )
        .get('/privacy/conversations/:id/sensitive', async function sensitiveAnswers({ user, params }) {
          const her = await visible(user, params.id);
          // Read per request from the user row: turning access off holds from her next request.
          if (!maySeeSensitive(user)) return htmlResponse('');
          const measurements = (her.measurements ?? undefined) as { heightCm?: number; bustCm?: number; waistCm?: number; hipsCm?: number } | undefined;
          const answers = { hasKids: her.hasKids ?? undefined, measurements };
          return htmlResponse(SensitiveSection({ conversationId: params.id, answers, i18n: translator(user.locale, user.timeZone) }));
        }),
    );
}
