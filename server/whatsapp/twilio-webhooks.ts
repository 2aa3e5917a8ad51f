/** @module server/whatsapp/twilio-webhooks — Twilio's inbound and status webhooks: signature, parse, durable write (the port's WebhookSink), then 200. */
import { Elysia } from 'elysia';
import type { TwilioConfig } from '../config';
import { BadRequestError, ForbiddenError } from '../errors';
import { parseInboundWebhook } from './inbound-parse';
import { verifyTwilioSignature, webhookUrl } from './signature';
import { parseStatusCallback } from './status-parse';
import { readBody } from '../forms/http';
import { ACCEPT_DEADLINE_MS, NOT_STORED, TooManyFieldsError } from './webhook-routes';
import { withDeadline } from '../db/deadline';
import type { WebhookSink } from './port';

export interface TwilioWebhookDeps {
  twilio: TwilioConfig;
  publicUrl: string;
  trustProxy: boolean;
  sink: WebhookSink;
}

/** A status callback is a few hundred bytes; anything far larger is not Twilio. */
const MAX_STATUS_BYTES = 64 * 1024;
/**
 * An inbound message's form is read whole, whatever it says, up to 4 MiB: the signature covers every field, so it
 * cannot be checked on less. That holds a 1 MB Body of any script percent-encoded (3 bytes a byte) with room to
 * spare; the parser stores it cut to what we keep and marked, never a 4xx for its content. Twilio's documented body
 * limit is 1,600 characters (server/whatsapp/webhook-fields), so only something that is not Twilio comes near this.
 */
export const MAX_INBOUND_BYTES = 4 * 1024 * 1024;
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * How many fields a webhook form may have. Twilio's inbound WhatsApp webhook sends about 40 fields, 20 more with ten
 * media (MediaUrlN, MediaContentTypeN) and 11 Referral* ones: under 100. A form of thousands of fields is not Twilio,
 * and sorting them for the signature check would cost the server seconds; the values' content is never limited here.
 */
export const MAX_FORM_FIELDS = 512;

/** Reads the form body as received (the signature covers the original values) — first value of a repeated name. */
async function formParams(request: Request, max: number): Promise<Record<string, string>> {
  // The size is checked first (413 whatever the type), as before: readBody caps it.
  const text = await readBody(request, max);
  if (!(request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    throw new BadRequestError('Expected an application/x-www-form-urlencoded body, as Twilio sends.', 'Content-Type');
  }
  return parseForm(text);
}

/**
 * application/x-www-form-urlencoded, first value of a repeated name, decoded exactly as URLSearchParams decodes it
 * at a fraction of the cost (one pass of indexOf, no intermediate arrays). The record has no prototype, so a field
 * named `__proto__` or `constructor` is kept as data like any other.
 */
export function parseForm(text: string, maxFields = MAX_FORM_FIELDS): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  let fields = 0;
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  const end = spaced.length;
  for (let start = 0; start <= end;) {
    let stop = spaced.indexOf('&', start);
    if (stop === -1) stop = end;
    if (stop > start) {
      if (++fields > maxFields) throw new TooManyFieldsError(maxFields);
      const eq = spaced.indexOf('=', start);
      const named = eq !== -1 && eq < stop;
      const key = decodeFormComponent(spaced.slice(start, named ? eq : stop));
      if (!Object.hasOwn(params, key)) params[key] = named ? decodeFormComponent(spaced.slice(eq + 1, stop)) : '';
    }
    start = stop + 1;
  }
  return params;
}

/** `part` has its `+` already turned into spaces. */
function decodeFormComponent(part: string): string {
  if (!part.includes('%')) return part;
  try {
    return decodeURIComponent(part);
  } catch {
    // A malformed escape: decode leniently, exactly as URLSearchParams does (the rare path).
    return new URLSearchParams(`v=${part}`).get('v') ?? part;
  }
}

function twiml(): Response {
  return new Response(EMPTY_TWIML, { headers: { 'content-type': 'text/xml; charset=utf-8' } });
}

/** `POST /webhooks/twilio` (messages) and `POST /webhooks/twilio/status` (statuses), for the Twilio provider. */
export function twilioWebhookRoutes(deps: TwilioWebhookDeps) {
  async function verified(request: Request, path: string, max: number): Promise<Record<string, string>> {
    // Twilio signs every request: one without a signature is refused before its body is read.
    if (!request.headers.get('x-twilio-signature')) throw new ForbiddenError('The X-Twilio-Signature header is missing or does not match this request.');
    const params = await formParams(request, max);
    const url = webhookUrl(request, path, { publicUrl: deps.publicUrl, trustProxy: deps.trustProxy });
    if (!verifyTwilioSignature(deps.twilio.authToken, request.headers.get('x-twilio-signature'), url, params)) {
      throw new ForbiddenError('The X-Twilio-Signature header is missing or does not match this request.');
    }
    return params;
  }

  return new Elysia({ name: 'webhooks', prefix: '/webhooks/twilio' })
    .post(
      '',
      async function inbound({ request }) {
        // A 400 here is only an envelope that cannot be routed or de-duplicated (no MessageSid, From…): the content
        // of a signed message is always stored (server/whatsapp/inbound-parse).
        const parsed = parseInboundWebhook(await verified(request, '/webhooks/twilio', MAX_INBOUND_BYTES));
        if (!parsed.ok) throw new BadRequestError(`${parsed.field}: ${parsed.message}`, parsed.field);
        await withDeadline(deps.sink.acceptInbound(parsed.value), ACCEPT_DEADLINE_MS, NOT_STORED);
        return twiml();
      },
      { parse: 'none' },
    )
    .post(
      '/status',
      async function status({ request }) {
        const parsed = parseStatusCallback(await verified(request, '/webhooks/twilio/status', MAX_STATUS_BYTES));
        if (!parsed.ok) throw new BadRequestError(`${parsed.field}: ${parsed.message}`, parsed.field);
        const { to, ...update } = parsed.value;
        if (!to) throw new BadRequestError('To: a whatsapp:+E164 recipient is required on a status callback.', 'To');
        await withDeadline(deps.sink.acceptStatus({ ...update, recipient: { phone: to } }), ACCEPT_DEADLINE_MS, NOT_STORED);
        return twiml();
      },
      { parse: 'none' },
    );
}
