/**
 * @module server/routes/form-webhook — POST /webhooks/form: an external form tool's submissions, HMAC-signed, idempotent.
 *
 * Fields (JSON or urlencoded; server/forms/validate checks them as the hosted form's): `token` (from the form link) or
 * `whatsappId` (E.164); `submissionId` (the tool's id, ≤ 200 characters: a repeat is a duplicate); `firstName`,
 * `lastName`, `email`, `location`, `preferredModelingTypes`, `preferredShift`, `unavailableShifts`, `notes`, `locale`,
 * `birthDate` (`YYYY-MM-DD`) and, under 18, `guardianName`, `guardianDocumentType`, `guardianDocumentNumber`,
 * `guardianRelationship`, `guardianPhone`/`guardianEmail`; `consent` (required, true: the data-treatment authorisation).
 * Optional sensitive data (Law 1581 Art. 6), each only with its own box true: `consentPhotos`; `consentChildren` with
 * `hasKids` (yes/no); `consentMeasurements` with `heightCm`, `bustCm`, `waistCm`, `hipsCm` (whole cm). An answer sent
 * without its box is a 422 on the box's field. Optional `clientIp` and `clientUserAgent`: the aspirant's address and
 * browser as the tool saw them, kept in the consent ledger (channel `form_webhook`) on the notice in force.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { Elysia } from 'elysia';
import { isLocale } from '../../actors/vocabulary';
import type { Db } from '../db/client';
import { findAspirantByWhatsappId, getAspirant, type Aspirant } from '../db/queries/aspirants';
import { AppError, BadRequestError } from '../errors';
import { readBody } from '../forms/http';
import { verifyFormToken } from '../forms/link';
import { cleanLine, formDataInput, validateForm, type FormInput } from '../forms/validate';
import type { ConversationSystem } from '../conversations/system';
import type { GuardianLinks } from '../privacy/guardian-link';
import { currentNotice } from '../privacy/notices';
import { isE164 } from '../whatsapp/phone';

export interface FormWebhookDeps {
  db: Db;
  /** The form-link secret (tokens sent by the bot). */
  secret: string;
  /** FORM_WEBHOOK_SECRET; without it the webhook is off. */
  webhookSecret?: string;
  conversations: Pick<ConversationSystem, 'acceptForm'>;
  /** Records a minor's guardian after her accepted submission and sends the guardian's link (server/privacy/guardian-link). */
  guardianLinks?: Pick<GuardianLinks, 'accept'>;
  now: () => number;
}

const MAX_BODY_BYTES = 64 * 1024;
const USER_AGENT_MAX = 512;
export const SIGNATURE_HEADER = 'x-wasap-signature';

class WebhookOffError extends AppError {
  override readonly code = 'FORM_WEBHOOK_NOT_CONFIGURED' as const;
  constructor() {
    super('FORM_WEBHOOK_NOT_CONFIGURED', 404, 'The form webhook is off: set FORM_WEBHOOK_SECRET to turn it on.');
  }
}

class SignatureError extends AppError {
  override readonly code = 'FORM_SIGNATURE_INVALID' as const;
  constructor() {
    super('FORM_SIGNATURE_INVALID', 401, 'X-Wasap-Signature is missing or is not sha256=<hex HMAC-SHA256 of the raw body> with FORM_WEBHOOK_SECRET.');
  }
}

/** `sha256=<hex>` of the raw body, as the sender computes it. */
export function signFormWebhook(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function verifyFormWebhook(secret: string, header: string | null, body: string): boolean {
  const given = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '')?.[1]?.toLowerCase();
  if (!given) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

function parseBody(type: string, raw: string): FormInput {
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new BadRequestError('The body is not valid JSON.');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BadRequestError('The JSON body must be an object of fields.');
    return parsed as FormInput;
  }
  if (type.startsWith('application/x-www-form-urlencoded')) return formDataInput(new URLSearchParams(raw));
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Send application/json or application/x-www-form-urlencoded.');
}

type Found = { aspirant: Aspirant } | { field: 'token' | 'whatsappId'; message: string };

/** The aspirant by the form token the bot sent, or by the WhatsApp number. */
async function identify(deps: FormWebhookDeps, input: FormInput): Promise<Found> {
  const token = cleanLine(input.token);
  const whatsappId = cleanLine(input.whatsappId);
  if (token) {
    const check = verifyFormToken(deps.secret, token, deps.now());
    if (!check.ok) return { field: 'token', message: check.reason === 'expired' ? 'the form link has expired' : 'not a valid form token' };
    const aspirant = await getAspirant(deps.db, check.aspirantId);
    return aspirant ? { aspirant } : { field: 'token', message: 'no aspirant for this token' };
  }
  if (!whatsappId) return { field: 'token', message: 'give token (from the form link) or whatsappId' };
  if (!isE164(whatsappId)) return { field: 'whatsappId', message: 'use E.164: + and 8 to 15 digits, e.g. +573001234567' };
  const aspirant = await findAspirantByWhatsappId(deps.db, whatsappId);
  return aspirant ? { aspirant } : { field: 'whatsappId', message: 'no aspirant has written from this number' };
}

/** The aspirant's IP and User-Agent as the tool passed them (`clientIp`, `clientUserAgent`); a malformed one is a field error. */
function clientTraces(input: FormInput, fields: Record<string, string>): { ip: string | null; userAgent: string | null } {
  const ip = cleanLine(input.clientIp);
  const userAgent = cleanLine(input.clientUserAgent);
  if (ip && isIP(ip) === 0) fields.clientIp = 'use an IPv4 or IPv6 address, or leave it out';
  if (userAgent.length > USER_AGENT_MAX) fields.clientUserAgent = `use ${USER_AGENT_MAX} characters or fewer`;
  return { ip: ip && isIP(ip) ? ip : null, userAgent: userAgent || null };
}

function unprocessable(fields: Record<string, string>): Response {
  const names = Object.keys(fields);
  return Response.json({ error: { code: 'VALIDATION', message: `Invalid fields: ${names.join(', ')}.`, fields } }, { status: 422 });
}

export function formWebhookRoutes(deps: FormWebhookDeps) {
  return new Elysia({ name: 'form-webhook' }).post(
    '/webhooks/form',
    async function receiveForm({ request }) {
      if (!deps.webhookSecret) throw new WebhookOffError();
      const raw = await readBody(request, MAX_BODY_BYTES);
      if (!verifyFormWebhook(deps.webhookSecret, request.headers.get(SIGNATURE_HEADER), raw)) throw new SignatureError();
      const input = parseBody(request.headers.get('content-type') ?? '', raw);
      // Messages in English: they are read by whoever set up the external tool, not by the aspirant.
      const result = validateForm(input, 'en');
      const found = await identify(deps, input);
      const submissionId = cleanLine(input.submissionId);
      const fields: Record<string, string> = result.ok ? {} : { ...(result.errors as Record<string, string>) };
      if ('field' in found) fields[found.field] = found.message;
      if (submissionId.length > 200) fields.submissionId = 'use 200 characters or fewer';
      const traces = clientTraces(input, fields);
      if (!result.ok || 'field' in found || Object.keys(fields).length) return unprocessable(fields);
      const { aspirant } = found;
      // Her guardian authorises from her own phone (Decree 1377 Art. 12), never from the minor's.
      if (result.guardian?.phone && [aspirant.whatsappId, aspirant.phone].includes(result.guardian.phone)) {
        return unprocessable({ guardianPhone: 'is the aspirant’s own number: give her guardian’s WhatsApp number or email' });
      }
      const profile = isLocale(cleanLine(input.locale)) ? result.profile : { ...result.profile, locale: isLocale(aspirant.locale) ? aspirant.locale : result.profile.locale };
      const accepted = await deps.conversations.acceptForm(aspirant.whatsappId, {
        aspirantId: aspirant.id,
        profile,
        source: 'webhook',
        externalId: submissionId ? `webhook:${submissionId}` : undefined,
        submittedAt: deps.now(),
        consents: { notice: await currentNotice(deps.db, profile.locale), channel: 'form_webhook', ip: traces.ip, userAgent: traces.userAgent },
      });
      if (result.guardian && !accepted.duplicate) await deps.guardianLinks?.accept(aspirant.id, result.guardian);
      return Response.json({ ok: true, aspirantId: aspirant.id, submissionId: accepted.submissionId, duplicate: accepted.duplicate });
    },
    { parse: 'none' },
  );
}
