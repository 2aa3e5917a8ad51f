/**
 * @module server/privacy/erase-scrub — an erased person's text in the rows that outlive her (Law 1581 Art. 15): the
 * audit log's details (e.g. a note's or a request's words), the read audit's details (a search for her number or
 * name) and her data-subject requests' details and resolution. Those rows stay (who did what, and when, is the
 * agency's accountability, Decree 1377 Art. 26); their personal text is cleared. Rows about her (her requests, reads
 * of her data, entries about her conversation) are cleared whole; any other row is cleared where it names her: her
 * phone, BSUID, e-mail, username or a guardian's number, e-mail or document anywhere, her names as whole words.
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

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Names shorter than this are not searched for alone (they would match other people's words). */
const MIN_NAME = 3;

/**
 * A Postgres regular expression (case-insensitive with `~*`) matching her in text: identifiers as substrings (her
 * phone also without `+` and as its last ten digits, the national number in Colombia), names as whole words.
 */
export function subjectPattern(subject: Subject): string {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const phone of [subject.phone, subject.whatsappId.startsWith('+') ? subject.whatsappId : null, ...subject.guardians.map((g) => g.phone)]) {
    if (!phone) continue;
    ids.add(phone);
    ids.add(phone.replace(/^\+/, ''));
    if (phone.length > 11) ids.add(phone.slice(-10));
  }
  for (const id of [subject.bsuid, subject.email, subject.username, ...subject.guardians.flatMap((g) => [g.email, g.document])]) if (id && id.length >= 4) ids.add(id);
  const fullNames = [subject.whatsappName, subject.firstName, subject.lastName, [subject.firstName, subject.lastName].filter(Boolean).join(' '), ...subject.guardians.map((g) => g.name)];
  for (const name of fullNames) {
    if (!name) continue;
    names.add(name.trim());
    for (const part of name.split(/\s+/)) if (part.length >= MIN_NAME) names.add(part);
  }
  const alternatives = [...[...ids].map(escape), ...[...names].filter((n) => n.length >= MIN_NAME).map((n) => `\\m${escape(n)}\\M`)];
  // A pattern that matches nothing when she has nothing to look for.
  return alternatives.length ? alternatives.join('|') : 'a^';
}

/** Audit actions about a conversation whose details are known to hold no personal data (users' ids, statuses, a length). */
const CONTENT_FREE = ['conversation.assigned', 'conversation.status_changed', 'note.added'];

const count = async (tx: Tx, statement: ReturnType<typeof sql>) => Number(rowsOf<{ n: number }>(await tx.execute(statement))[0]?.n ?? 0);

/** Clears her text in the rows that stay; answers how many rows of each were cleared. Runs before her row is deleted. */
export async function scrubPersonalText(tx: Tx, subject: Subject, pattern: string): Promise<{ audit: number; reads: number; requests: number }> {
  const id = subject.id;
  const audit = await count(
    tx,
    sql`with c as (select id::text as id from conversations where aspirant_id = ${id}),
      done as (update audit_log set details = case when details is null then null else '{"erased":true}'::jsonb end,
                 target_id = case when target_id ~* ${pattern} then null else target_id end
               where action <> 'aspirant.erased'
                 and (details::text ~* ${pattern} or target_id ~* ${pattern}
                      or (details is not null and action not in (select jsonb_array_elements_text(${JSON.stringify(CONTENT_FREE)}::jsonb))
                          and ((target_type = 'conversation' and target_id in (select id from c)) or (target_type = 'aspirant' and target_id = ${String(id)}))))
               returning 1)
      select count(*)::int as n from done`,
  );
  const reads = await count(
    tx,
    sql`with done as (update read_audit set details = null where details is not null and (aspirant_id = ${id} or details::text ~* ${pattern}) returning 1) select count(*)::int as n from done`,
  );
  const requests = await count(
    tx,
    sql`with done as (update data_subject_requests set details = null, resolution = null, extension_reason = case when extension_reason ~* ${pattern} then null else extension_reason end, updated_at = now()
      where aspirant_id = ${id} or details ~* ${pattern} or resolution ~* ${pattern} returning 1) select count(*)::int as n from done`,
  );
  return { audit, reads, requests };
}
