/**
 * @module server/privacy/erase-scrub — an erased person's text in the rows that outlive her (Law 1581 Arts. 8 e and 15):
 * the audit log's details, the read audit's details (a search for her number) and her data-subject requests' texts.
 * Those rows stay (who did what, and when, is the agency's accountability, Decree 1377 Art. 26). Two passes, never a
 * regular expression that clears other people's rows:
 *  - by id, the rows about her: audit entries whose target is her (aspirant, conversations, requests, guardians,
 *    consents, messages, media, notes) keep only their numbers, booleans and enumerated fields; reads of her
 *    aspirant, conversations or media lose their details; her own requests lose details, resolution and extension
 *    reason (right, dates and status stay: proof she was answered);
 *  - by text, any other row that quotes her: only her high-entropy identifiers (phone in E.164, without `+` and as the
 *    10-digit national number, e-mail, BSUID, `@username`, a guardian's phone, e-mail and document) and her full
 *    names as whole phrases of two words or more (her WhatsApp profile name in searches only) are replaced, as
 *    substrings, by `[suprimido]`; the rest of the row stays.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { rowsOf } from '../db/rows';

/** The person being erased: her identities and what identifies her in free text. */
export interface Subject {
  id: number;
  whatsappId: string;
  phone: string | null;
  bsuid: string | null;
  username: string | null;
  whatsappName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  optedOut: boolean;
  guardians: { name: string | null; phone: string | null; email: string | null; document: string | null }[];
}

/** What replaces her in another row's text. */
export const REDACTED = '[suprimido]';

/** How she is found in text: `prefilter` a Postgres `~*` pattern (a superset, to pick rows), `regex` the exact match. */
export interface SubjectMatcher {
  prefilter: string;
  regex: RegExp | null;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Postgres's `~*` folds ASCII only: each cased letter as a bracket of both cases. */
const bothCases = (text: string) => [...text].map((c) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escape(c))).join('');
const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{N}])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}])';

/** Numbers shorter than this are not searched for (a guardian's document, a phone). */
const MIN_DIGITS = 6;

/**
 * Her matcher. Phones and digit documents: the digits with optional spaces, dots or dashes between them, never inside
 * a longer number; e-mails, BSUID and `@username` as given; names: whole phrases of two words or more (first name with
 * last name and with the first surname, a guardian's name), between non-letters. Her WhatsApp profile name, which
 * anyone can set to any words ("Mis Datos Right Channel"), is matched only in `searches` (recruiters' queries in the
 * read audit), never in `records` (other people's requests and audit entries).
 */
export function subjectMatcher(subject: Subject, scope: 'records' | 'searches' = 'records'): SubjectMatcher {
  const js = new Set<string>();
  const pg = new Set<string>();
  const numbers = new Set<string>();
  const phones = [subject.phone, /^\+?\d+$/.test(subject.whatsappId) ? subject.whatsappId : null, ...subject.guardians.map((g) => g.phone)];
  for (const phone of phones) {
    const digits = phone?.replace(/\D/g, '') ?? '';
    if (digits.length < MIN_DIGITS) continue;
    numbers.add(digits);
    if (digits.length > 10) numbers.add(digits.slice(-10));
  }
  const literals = new Set<string>();
  for (const id of [subject.email, subject.bsuid, subject.username ? `@${subject.username.replace(/^@/, '')}` : null, ...subject.guardians.map((g) => g.email)]) {
    if (id && id.trim().length >= 5) literals.add(id.trim());
  }
  for (const document of subject.guardians.map((g) => g.document?.trim())) {
    if (!document || document.replace(/\W/g, '').length < MIN_DIGITS) continue;
    if (/^[\d\s.-]+$/.test(document)) numbers.add(document.replace(/\D/g, ''));
    else literals.add(document);
  }
  for (const digits of [...numbers].sort((a, b) => b.length - a.length)) {
    const spaced = digits.split('').join('[\\s.-]?');
    js.add(`(?<!\\d)\\+?${spaced}(?!\\d)`);
    pg.add(spaced);
  }
  for (const literal of literals) {
    js.add(escape(literal));
    pg.add(bothCases(literal));
  }
  const first = subject.firstName?.trim();
  const last = subject.lastName?.trim();
  const phrases = [
    scope === 'searches' ? subject.whatsappName : null,
    first && last ? `${first} ${last}` : null,
    first && last ? `${first} ${last.split(/\s+/)[0]}` : null,
    ...subject.guardians.map((g) => g.name),
  ];
  for (const phrase of phrases.map((p) => p?.trim().split(/\s+/) ?? []).sort((a, b) => b.join(' ').length - a.join(' ').length)) {
    if (phrase.length < 2) continue;
    js.add(`${NOT_WORD_BEFORE}${phrase.map(escape).join('\\s+')}${NOT_WORD_AFTER}`);
    pg.add(phrase.map(bothCases).join('\\s+'));
  }
  if (!js.size) return { prefilter: 'a^', regex: null };
  return { prefilter: [...pg].join('|'), regex: new RegExp([...js].join('|'), 'giu') };
}

/** `text` with every match of her replaced by REDACTED. */
export function redact(text: string, matcher: SubjectMatcher): string {
  return matcher.regex ? text.replace(matcher.regex, REDACTED) : text;
}

/** A JSON value with her replaced in its strings (and in numbers that are hers, which become strings). */
export function redactJson(value: unknown, matcher: SubjectMatcher): unknown {
  if (typeof value === 'string') return redact(value, matcher);
  if (typeof value === 'number') return redact(String(value), matcher) === String(value) ? value : REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, matcher));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJson(v, matcher)]));
  return value;
}

/** Detail fields whose strings are enumerations, never free text (a request's right, a status, a consent scope). */
const ENUMERATED = new Set(['right', 'channel', 'status', 'scope', 'from', 'to', 'via', 'extendedDueOn', 'noticeVersion']);

/** An audit entry about her keeps its numbers, booleans and enumerated fields; `erased: true` says something went. */
export function keepStructure(details: unknown): unknown {
  if (details === null || details === undefined) return details;
  if (typeof details !== 'object' || Array.isArray(details)) return { erased: true };
  const kept = Object.entries(details).filter(
    ([key, value]) => value === null || typeof value === 'number' || typeof value === 'boolean' || (ENUMERATED.has(key) && typeof value === 'string' && value.length <= 40),
  );
  return kept.length === Object.keys(details).length ? details : { ...Object.fromEntries(kept), erased: true };
}

const json = (value: unknown) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Her conversations, as a SQL fragment. */
const conversationsOf = (id: number) => sql`(select id from conversations where aspirant_id = ${id})`;

/** The audit entries about her (their targets), then those quoting her: updated where they change. @returns how many. */
async function scrubAudit(tx: Tx, id: number, matcher: SubjectMatcher): Promise<number> {
  const convs = conversationsOf(id);
  const about = rowsOf<{ id: number; details: unknown; target_id: string | null }>(
    await tx.execute(sql`with targets(type, id) as (
        select 'aspirant'::text, ${String(id)}::text
        union all select 'conversation', id::text from ${convs} c
        union all select 'data_request', id::text from data_subject_requests where aspirant_id = ${id} or conversation_id in ${convs}
        union all select 'guardian', id::text from guardians where aspirant_id = ${id}
        union all select 'consent', id::text from consents where aspirant_id = ${id}
        union all select 'note', id::text from notes where conversation_id in ${convs}
        union all select 'message', id::text from messages where conversation_id in ${convs}
        union all select 'media', d.id::text from media d join messages m on m.id = d.message_id where m.conversation_id in ${convs})
      select a.id, a.details, a.target_id from audit_log a join targets t on a.target_type = t.type and a.target_id = t.id
      where a.action <> 'aspirant.erased' and a.details is not null`),
  );
  const quoting = rowsOf<{ id: number; details: unknown; target_id: string | null }>(
    await tx.execute(sql`select id, details, target_id from audit_log where details::text ~* ${matcher.prefilter} or target_id ~* ${matcher.prefilter}`),
  );
  const rows = new Map<number, { details: unknown; targetId: string | null; start: unknown }>();
  for (const row of quoting) rows.set(Number(row.id), { details: json(row.details), targetId: row.target_id, start: json(row.details) });
  for (const row of about) {
    const details = json(row.details);
    rows.set(Number(row.id), { details: keepStructure(details), targetId: row.target_id, start: details });
  }
  let changed = 0;
  for (const [rowId, row] of rows) {
    const details = redactJson(row.details, matcher);
    const targetId = row.targetId === null ? null : redact(row.targetId, matcher);
    if (same(details, row.start) && targetId === row.targetId) continue;
    await tx.execute(sql`update audit_log set details = ${details === null ? null : JSON.stringify(details)}::jsonb, target_id = ${targetId} where id = ${rowId}`);
    changed += 1;
  }
  return changed;
}

/** Reads of her lose their details; others' reads (a search) lose her identifiers. @returns how many. */
async function scrubReads(tx: Tx, id: number, matcher: SubjectMatcher): Promise<number> {
  const convs = conversationsOf(id);
  const cleared = rowsOf<{ n: number }>(
    await tx.execute(sql`with done as (update read_audit set details = null where details is not null and (aspirant_id = ${id} or conversation_id in ${convs}
        or media_id in (select d.id from media d join messages m on m.id = d.message_id where m.conversation_id in ${convs})) returning 1)
      select count(*)::int as n from done`),
  );
  let changed = Number(cleared[0]?.n ?? 0);
  for (const row of rowsOf<{ id: number; details: unknown }>(await tx.execute(sql`select id, details from read_audit where details::text ~* ${matcher.prefilter}`))) {
    const details = redactJson(json(row.details), matcher);
    if (same(details, json(row.details))) continue;
    await tx.execute(sql`update read_audit set details = ${JSON.stringify(details)}::jsonb where id = ${row.id}`);
    changed += 1;
  }
  return changed;
}

/** Her requests lose their texts; others' requests lose her identifiers in theirs. @returns how many. */
async function scrubRequests(tx: Tx, id: number, matcher: SubjectMatcher): Promise<number> {
  const cleared = rowsOf<{ n: number }>(
    await tx.execute(sql`with done as (update data_subject_requests set details = null, resolution = null, extension_reason = null, updated_at = now()
        where (aspirant_id = ${id} or conversation_id in ${conversationsOf(id)}) and (details is not null or resolution is not null or extension_reason is not null) returning 1)
      select count(*)::int as n from done`),
  );
  let changed = Number(cleared[0]?.n ?? 0);
  const p = matcher.prefilter;
  const quoting = rowsOf<{ id: number; details: string | null; resolution: string | null; extension_reason: string | null }>(
    await tx.execute(sql`select id, details, resolution, extension_reason from data_subject_requests where details ~* ${p} or resolution ~* ${p} or extension_reason ~* ${p}`),
  );
  for (const row of quoting) {
    const [details, resolution, reason] = [row.details, row.resolution, row.extension_reason].map((text) => (text === null ? null : redact(text, matcher)));
    if (details === row.details && resolution === row.resolution && reason === row.extension_reason) continue;
    await tx.execute(sql`update data_subject_requests set details = ${details}, resolution = ${resolution}, extension_reason = ${reason}, updated_at = now() where id = ${row.id}`);
    changed += 1;
  }
  return changed;
}

/**
 * Clears her personal text in the rows that stay (see the module) and answers how many rows of each changed. Runs in
 * the erasing transaction, before her row is deleted (the ids that link rows to her go with it).
 */
export async function scrubPersonalText(tx: Tx, subject: Subject): Promise<{ audit: number; reads: number; requests: number }> {
  const records = subjectMatcher(subject, 'records');
  return {
    audit: await scrubAudit(tx, subject.id, records),
    reads: await scrubReads(tx, subject.id, subjectMatcher(subject, 'searches')),
    requests: await scrubRequests(tx, subject.id, records),
  };
}
