/**
 * @module server/db/queries/search — the inbox's search: finds people however the recruiter types them.
 *
 * Accent- and case-insensitive (Postgres's unaccent through `wasap_fold`, migration 0006): "maria" finds "María".
 * Every word must appear in the aspirant's names, e-mail, city or the form's notes (one folded text, trigram-indexed:
 * aspirants_search_idx), or the whole query in one of the conversation's messages. A query that is a phone number in
 * any format ("315 222 3344", "+57 (315) 222-3344") matches the numbers that contain its digits.
 */
import { sql, type SQL } from 'drizzle-orm';
import { aspirants, conversations, messages } from '../schema';

/** Fewer digits than this are not taken for a phone number (a "3" in a name search would match every number). */
const MIN_PHONE_DIGITS = 4;
const PHONE_LIKE = /^[+\d\s().-]+$/;

/** LIKE's wildcards and its escape character, escaped. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The digits of a query written as a phone number, or undefined when it is not one. */
export function phoneDigits(query: string): string | undefined {
  if (!PHONE_LIKE.test(query)) return undefined;
  const digits = query.replace(/\D/g, '');
  return digits.length >= MIN_PHONE_DIGITS ? digits : undefined;
}

/** The condition on a conversation (joined with its aspirant) for a search; `query` is already trimmed and non-empty. */
export function searchCondition(query: string): SQL {
  const words = query.split(/\s+/).filter(Boolean).slice(0, 8);
  const text = sql`wasap_aspirant_text(${aspirants.firstName}, ${aspirants.lastName}, ${aspirants.whatsappName}, ${aspirants.email}, ${aspirants.location}, ${aspirants.notes})`;
  const contains = (word: string) => sql`'%' || wasap_fold(${escapeLike(word)}) || '%'`;
  const everyWord = sql.join(
    words.map((word) => sql`${text} like ${contains(word)}`),
    sql` and `,
  );
  const inMessages = sql`exists (select 1 from ${messages} m where m.conversation_id = ${conversations.id} and wasap_fold(m.body) like ${contains(query)})`;
  const digits = phoneDigits(query);
  const byNumber = digits ? sql` or ${aspirants.whatsappId} like ${`%${digits}%`}` : sql``;
  return sql`((${everyWord}) or ${inMessages}${byNumber})`;
}
