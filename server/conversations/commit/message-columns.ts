/**
 * @module server/conversations/commit/message-columns — the ONE map from a new message (actors' NewMessage) to the
 * `messages` table. The set statement's insert and the general lane's insert are both generated from it, from the
 * same JSON input row, so a field added to NewMessage fails to compile until it is placed here, and no lane can store
 * a message's kind, content, reply context, referral or extra differently.
 */
import { sql, type SQL } from 'drizzle-orm';
import { refersTo, storedContent } from '../../../actors/conversation/message-kinds';
import type { NewMessage } from '../../../actors/conversation/types';

interface MessageColumn {
  /** The column in `messages`. */
  column: string;
  /** Its Postgres type, for the JSON input's record definition. */
  type: string;
  /** The value as JSON input (null: the column's NULL). */
  input(message: NewMessage): unknown;
}

const text = (column: string, input: (m: NewMessage) => string | number | undefined, type = 'text'): MessageColumn[] => [{ column, type, input: (m) => input(m) ?? null }];

/**
 * Every field of NewMessage and the columns it writes; `ref` (the event's own name for it) and `media` (rows of their
 * own, written by the general lane) write none here.
 */
const BY_FIELD = {
  sender: text('sender', (m) => m.sender, 'message_sender'),
  body: text('body', (m) => m.body),
  status: text('status', (m) => m.status, 'delivery_status'),
  providerSid: text('provider_sid', (m) => m.providerSid),
  authorId: text('author_id', (m) => m.authorId, 'int'),
  templateRef: text('template_ref', (m) => m.templateRef),
  content: [
    { column: 'kind', type: 'message_kind', input: (m) => (m.content ? storedContent(m.content).kind : 'text') },
    { column: 'content', type: 'jsonb', input: (m) => (m.content ? storedContent(m.content).fields : null) },
  ],
  // A reaction's target is in its content: the column holds whichever message this one refers to.
  context: [{ column: 'refers_to_sid', type: 'text', input: (m) => (m.content ? refersTo({ content: m.content, context: m.context }) : m.context?.messageId) ?? null }],
  referral: [{ column: 'referral', type: 'jsonb', input: (m) => m.referral ?? null }],
  extra: [{ column: 'extra', type: 'jsonb', input: (m) => m.extra ?? null }],
} satisfies Record<Exclude<keyof NewMessage, 'ref' | 'media'>, MessageColumn[]>;

const COLUMNS: MessageColumn[] = Object.values(BY_FIELD).flat();

/** `sender message_sender, body text, …` — a message's columns in a `jsonb_to_recordset(…) as m(…)` definition. */
export const MESSAGE_RECORD_COLUMNS = COLUMNS.map((c) => `${c.column} ${c.type}`).join(', ');

/** `sender, body, …` — the insert's column list (after `conversation_id`). */
export const MESSAGE_INSERT_COLUMNS: SQL = sql.raw(COLUMNS.map((c) => c.column).join(', '));

/** `m.sender, m.body, …` — the same columns read from input rows aliased `alias`. */
export function messageValues(alias: string): SQL {
  return sql.raw(COLUMNS.map((c) => `${alias}.${c.column}`).join(', '));
}

/** The message as one JSON input row, keyed by column. */
export function messageInput(message: NewMessage): Record<string, unknown> {
  return Object.fromEntries(COLUMNS.map((c) => [c.column, c.input(message)]));
}
