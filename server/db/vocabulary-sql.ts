/**
 * @module server/db/vocabulary-sql — SQL fragments built from actors/vocabulary, so a query never spells a vocabulary
 * out by hand. The words are written in as quoted literals (not parameters): they are constants from the vocabulary,
 * never user input, and the statement text stays what it was when hand-written (same plans, same prepared text).
 * Index predicates (partial indexes in server/db/schema) keep their own literal text: the planner matches it exactly.
 */
import { sql, type SQL } from 'drizzle-orm';
import { DELIVERY_ORDER, TERMINAL_DELIVERY_STATUSES } from '../../actors/vocabulary';

/** Only plain lower-case words are written into SQL as literals; anything else is a programming error. */
const WORD = /^[a-z_]+$/;

/** `'a', 'b', 'c'`: the words as SQL string literals, joined by `separator`. */
function literals(words: readonly string[], separator: string): string {
  for (const word of words) if (!WORD.test(word)) throw new Error(`"${word}" cannot be written into SQL as a literal`);
  return words.map((word) => `'${word}'`).join(separator);
}

/** The forward order of delivery statuses as a `delivery_status[]` (for array_position: a status only moves forward). */
export const DELIVERY_ORDER_SQL: SQL = sql.raw(`array[${literals(DELIVERY_ORDER, ',')}]::delivery_status[]`);

/** The terminal delivery statuses as a parenthesised list, for `status not in ${TERMINAL_STATUSES_SQL}`. */
export const TERMINAL_STATUSES_SQL: SQL = sql.raw(`(${literals(TERMINAL_DELIVERY_STATUSES, ', ')})`);
