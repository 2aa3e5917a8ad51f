/**
 * @module server/db/queries/search — the inbox's search: finds people however the recruiter types them.
 *
 * Accent- and case-insensitive (Postgres's unaccent through `wasap_fold`, migration 0006): "maria" finds "María".
 * A conversation matches when every word appears in its aspirant's names, e-mail, city, the form's notes, her WhatsApp
 * username (as `@name`) or her BSUID (one folded text: aspirants_search_idx, migration 0011), or the whole query in
 * one of its messages (messages_body_search_idx), or — a query written as a phone number in any format
 * ("315 222 3344", "+57 (315) 222-3344") — her number (or her key, a number when she was first seen with one)
 * contains those digits. The matches are found as conversation ids, each way through its own index, and then joined: one
 * OR across them made Postgres fold every message of the database for every keystroke.
 */
import { sql, type SQL } from 'drizzle-orm';
import { conversations } from '../schema';

/** Fewer digits than this are not taken for a phone number (a "3" in a name search would match every number). */
const MIN_PHONE_DIGITS = 4;
/** A trigram index needs three characters to narrow a LIKE: shorter queries do not search message text. */
const MIN_MESSAGE_QUERY = 3;
const PHONE_LIKE = /^[+\d\s().-]+$/;

/** The digits of a query written as a phone number, or undefined when it is not one. */
export function phoneDigits(query: string): string | undefined {
  if (!PHONE_LIKE.test(query)) return undefined;
  const digits = query.replace(/\D/g, '');
  return digits.length >= MIN_PHONE_DIGITS ? digits : undefined;
}

/**
 * `%<text folded, then LIKE-escaped>%`: escaped after folding, because unaccent maps fullwidth ％ ＿ ＼ to the
 * wildcards themselves.
 */
function contains(text: string): SQL {
  return sql`'%' || replace(replace(replace(public.wasap_fold(${text}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
}

/** The condition on a conversation for a search; `query` is already trimmed, non-empty and free of control characters. */
export function searchCondition(query: string): SQL {
  const words = query.split(/\s+/).filter(Boolean).slice(0, 8);
  const everyWord = sql.join(
    words.map((word) => sql`public.wasap_aspirant_text(a.first_name, a.last_name, a.whatsapp_name, a.email, a.location, a.notes, a.username, a.bsuid) like ${contains(word)}`),
    sql` and `,
  );
  const digits = phoneDigits(query);
  const byNumber = digits ? sql` or a.whatsapp_id like ${`%${digits}%`} or a.phone like ${`%${digits}%`}` : sql``;
  const people = sql`select c.id from conversations c join aspirants a on a.id = c.aspirant_id where (${everyWord})${byNumber}`;
  const inMessages = query.length >= MIN_MESSAGE_QUERY ? sql` union select m.conversation_id from messages m where public.wasap_fold(m.body) like ${contains(query)}` : sql``;
  return sql`${conversations.id} in (${people}${inMessages})`;
}
