/**
 * @module test/support/fake-twilio-content — the fake Twilio's Content API: `GET /v1/ContentAndApprovals`, paged as
 * Twilio pages it (`meta.next_page_url`, an absolute https://content.twilio.com URL the client follows — so a client
 * that does not rebase it onto TWILIO_API_URL would leave the fake).
 */

/** One Content resource as ContentAndApprovals lists it (the API's snake_case JSON). */
export interface FakeContent {
  sid: string;
  friendly_name: string;
  language: string;
  variables: Record<string, string>;
  types: Record<string, Record<string, unknown>>;
  /** WhatsApp's approval: flat (`{ status, category, … }`, as Twilio's reference shows it) or under `whatsapp`. */
  approval_requests: Record<string, unknown> | null;
  date_created: string;
  date_updated: string;
}

export interface TextContentOptions {
  sid?: string;
  name: string;
  body: string;
  language?: string;
  /** WhatsApp's approval status as Twilio writes it (`approved`, `pending`, `rejected`, `paused`, `unsubmitted`); null: never submitted. */
  status?: string | null;
  /** As Twilio writes it: `UTILITY`, `MARKETING`. */
  category?: string;
  variables?: Record<string, string>;
  /** Put the approval under `whatsapp` instead of flat. */
  nested?: boolean;
}

function hex32(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/** A `twilio/text` Content resource with its WhatsApp approval. */
export function textContent(opts: TextContentOptions): FakeContent {
  const status = opts.status === undefined ? 'approved' : opts.status;
  const approval =
    status === null
      ? null
      : { name: opts.name.toLowerCase().replace(/\W+/g, '_'), category: opts.category ?? 'UTILITY', content_type: 'twilio/text', status, rejection_reason: '', allow_category_change: true };
  return {
    sid: opts.sid ?? `HX${hex32()}`,
    friendly_name: opts.name,
    language: opts.language ?? 'es',
    variables: opts.variables ?? {},
    types: { 'twilio/text': { body: opts.body } },
    approval_requests: approval && opts.nested ? { whatsapp: approval } : approval,
    date_created: '2026-11-02T15:00:00Z',
    date_updated: '2026-11-02T15:00:00Z',
  };
}

/** The public origin Twilio's Content API answers with in its page URLs. */
export const CONTENT_ORIGIN = 'https://content.twilio.com';

function pageUrl(pageSize: number, page: number): string {
  const params = new URLSearchParams({ PageSize: String(pageSize), Page: String(page) });
  if (page > 0) params.set('PageToken', `PT${page}`);
  return `${CONTENT_ORIGIN}/v1/ContentAndApprovals?${params}`;
}

/**
 * One page of `contents` for `query` (PageSize default 50, capped at `maxPageSize` as Twilio caps it at 1,000;
 * Page from 0; a Page past 0 needs the PageToken its previous page gave, else 400 as Twilio answers a forged token).
 */
export function contentAndApprovalsPage(contents: readonly FakeContent[], query: Record<string, string>, maxPageSize = 1000): { status: number; body: unknown } {
  const pageSize = Math.min(Math.max(Number(query.PageSize ?? 50) || 50, 1), maxPageSize);
  const page = Math.max(Number(query.Page ?? 0) || 0, 0);
  if (page > 0 && query.PageToken !== `PT${page}`) return { status: 400, body: { code: 20001, message: 'Invalid PageToken', more_info: 'https://www.twilio.com/docs/errors/20001', status: 400 } };
  const start = page * pageSize;
  return {
    status: 200,
    body: {
      contents: contents.slice(start, start + pageSize),
      meta: {
        page,
        page_size: pageSize,
        first_page_url: pageUrl(pageSize, 0),
        previous_page_url: page > 0 ? pageUrl(pageSize, page - 1) : null,
        next_page_url: start + pageSize < contents.length ? pageUrl(pageSize, page + 1) : null,
        url: pageUrl(pageSize, page),
        key: 'contents',
      },
    },
  };
}
