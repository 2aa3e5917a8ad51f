/**
 * @module server/whatsapp/twilio-templates — Twilio's Content API templates with their WhatsApp approval, as the
 * provider port's ProviderTemplate: `GET https://content.twilio.com/v1/ContentAndApprovals` through the twilio client
 * (`client.content.v1.contentAndApprovals.list()`, which follows `meta.next_page_url`), on our fetch client with
 * TWILIO_API_URL's origin swapped in (twilio-http), so a gateway or the fake Twilio serves it as it serves sends.
 */
import twilio from 'twilio';
import { placeholdersOf } from '../../actors/conversation/template-text';
import type { ProviderTemplate } from './port';
import { FetchRequestClient } from './twilio-http';

export interface TwilioTemplatesOptions {
  accountSid: string;
  authToken: string;
  /** Replaces https://content.twilio.com (and every other Twilio origin) with this base, e.g. http://127.0.0.1:4010. */
  apiUrl?: string;
  timeoutMs?: number;
}

/** One item of ContentAndApprovals as the twilio client hands it over (camelCase outside, the API's own JSON inside). */
export interface ContentAndApproval {
  sid: string;
  friendlyName: string;
  language: string;
  /** Default values by placeholder name: `{"1": "Customer_Name"}`. */
  variables?: Record<string, unknown> | null;
  /** By content type: `{"twilio/text": {"body": "Hola {{1}}"}, "twilio/media": {...}}`. */
  types?: Record<string, unknown> | null;
  /**
   * WhatsApp's approval: `{ name, category, content_type, status, rejection_reason, allow_category_change }`, or the
   * same object under `whatsapp` (the shape /v1/Content/{Sid}/ApprovalRequests answers); absent when never submitted.
   */
  approvalRequests?: Record<string, unknown> | null;
}

/** Twilio's page size tops out at 1,000; a few hundred keeps each answer small. */
const PAGE_SIZE = 200;
/**
 * A bound on one listing, far above what a WhatsApp Business Account holds (Meta allows 250 templates, 6,000 once
 * verified): a listing that reaches it is refused rather than synced short, which would withdraw the rest.
 */
export const MAX_LISTED_CONTENT = 20_000;

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The approval object, flat or under `whatsapp`. */
function whatsappApproval(content: ContentAndApproval): Record<string, unknown> {
  const approval = record(content.approvalRequests) ?? {};
  return record(approval.whatsapp) ?? approval;
}

/** The text a recipient reads: `twilio/text`'s body, else the first content type that has one (a media caption, a card's). */
function bodyOf(content: ContentAndApproval): string {
  const types = record(content.types) ?? {};
  const plain = text(record(types['twilio/text'])?.body);
  if (plain) return plain;
  for (const value of Object.values(types)) {
    const body = text(record(value)?.body);
    if (body) return body;
  }
  return '';
}

/**
 * One Content resource as a ProviderTemplate: ref = its `HX…` SID, name = its friendly name, status = WhatsApp's
 * approval status lower-cased (`unsubmitted` when it was never submitted), category lower-cased or null, variables
 * = the body's `{{n}}` placeholders and the names of its `variables` defaults.
 */
export function toProviderTemplate(content: ContentAndApproval): ProviderTemplate {
  const approval = whatsappApproval(content);
  const body = bodyOf(content);
  const category = text(approval.category).toLowerCase();
  return {
    ref: content.sid,
    name: text(content.friendlyName) || text(approval.name) || content.sid,
    language: text(content.language),
    category: category || null,
    status: text(approval.status).toLowerCase() || 'unsubmitted',
    body,
    variables: placeholdersOf(body, Object.keys(record(content.variables) ?? {})),
  };
}

/**
 * A `listTemplates` for one Twilio account: every Content resource with its WhatsApp approval, all pages.
 * @throws what the twilio client throws (RestException with Twilio's code and status; a network error from
 *   twilio-http), or an Error past MAX_LISTED_CONTENT resources.
 */
export function createTwilioTemplateList(opts: TwilioTemplatesOptions): () => Promise<ProviderTemplate[]> {
  const client = twilio(opts.accountSid, opts.authToken, { accountSid: opts.accountSid, httpClient: new FetchRequestClient(opts.apiUrl, opts.timeoutMs) });
  return async function listTwilioTemplates() {
    const contents = (await client.content.v1.contentAndApprovals.list({ pageSize: PAGE_SIZE, limit: MAX_LISTED_CONTENT })) as unknown as ContentAndApproval[];
    if (contents.length >= MAX_LISTED_CONTENT) throw new Error(`Twilio lists ${MAX_LISTED_CONTENT} or more content resources; refusing to sync a partial list`);
    return contents.map(toProviderTemplate);
  };
}
