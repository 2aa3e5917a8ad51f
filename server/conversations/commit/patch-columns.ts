/**
 * @module server/conversations/commit/patch-columns — the ONE map from a conversation patch (actors' ConversationPatch)
 * to the conversations table. Every lane's conversation UPDATE, and the INSERT of a new conversation, is generated
 * from it, so a field added to the patch fails to compile until it is placed here, and no lane can write it
 * differently.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { ConversationPatch } from '../../../actors/conversation/types';

/**
 * How a patch field moves its column: `replace` sets it when present (absent or null keeps the value), `add` adds
 * to it, `assign` sets it when present even to null (a flag column says whether it is present).
 */
type Rule = 'replace' | 'add' | 'assign';

interface PatchColumn {
  /** The column in `conversations`. */
  column: string;
  /** Its Postgres type, for the JSON input's record definition. */
  type: string;
  rule: Rule;
  /** What a new conversation has when the patch does not name it (the column's default), as SQL. */
  initial: string;
  /** The field's value as JSON input: epoch ms become ISO text. */
  input(patch: ConversationPatch): unknown;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export const PATCH_COLUMNS = {
  status: { column: 'status', type: 'conversation_status', rule: 'replace', initial: `'new'::conversation_status`, input: (p) => p.status ?? null },
  lastInboundAt: { column: 'last_inbound_at', type: 'timestamptz', rule: 'replace', initial: 'null', input: (p) => iso(p.lastInboundAt) },
  lastMessageAt: { column: 'last_message_at', type: 'timestamptz', rule: 'replace', initial: 'now()', input: (p) => iso(p.lastMessageAt) },
  lastMessagePreview: { column: 'last_message_preview', type: 'text', rule: 'replace', initial: 'null', input: (p) => p.lastMessagePreview ?? null },
  unreadIncrement: { column: 'unread_count', type: 'int', rule: 'add', initial: '0', input: (p) => p.unreadIncrement ?? 0 },
  botPaused: { column: 'bot_paused', type: 'boolean', rule: 'replace', initial: 'false', input: (p) => p.botPaused ?? null },
  botState: { column: 'bot_state', type: 'jsonb', rule: 'replace', initial: 'null', input: (p) => p.botState ?? null },
  botScript: { column: 'bot_script', type: 'text', rule: 'replace', initial: 'null', input: (p) => p.botScript ?? null },
  assigneeId: { column: 'assignee_id', type: 'int', rule: 'assign', initial: 'null', input: (p) => (p.assigneeId === undefined ? null : p.assigneeId) },
  // `assign`: null is a value here (our side answered), not "keep".
  waitingSince: { column: 'waiting_since', type: 'timestamptz', rule: 'assign', initial: 'null', input: (p) => (p.waitingSince == null ? null : iso(p.waitingSince)) },
} satisfies Record<keyof ConversationPatch, PatchColumn>;

const ENTRIES = Object.entries(PATCH_COLUMNS) as [keyof ConversationPatch, PatchColumn][];
const flag = (c: PatchColumn) => `p_set_${c.column}`;
const param = (c: PatchColumn) => `p_${c.column}`;

/** `p_status conversation_status, …` — the patch's columns in a `jsonb_to_recordset(…) as t(…)` definition. */
export const PATCH_RECORD_COLUMNS = ENTRIES.map(([, c]) => `${param(c)} ${c.type}${c.rule === 'assign' ? `, ${flag(c)} boolean` : ''}`).join(', ');

/** The patch as fields of one JSON input row (`p_status`, …); absent fields are null and keep the column. */
export function patchInput(patch: ConversationPatch): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [field, c] of ENTRIES) {
    row[param(c)] = c.input(patch);
    if (c.rule === 'assign') row[flag(c)] = patch[field] !== undefined;
  }
  return row;
}

function assignment(c: PatchColumn, current: string, t: string): string {
  switch (c.rule) {
    case 'replace':
      return `coalesce(${t}.${param(c)}, ${current})`;
    case 'add':
      return `${current} + coalesce(${t}.${param(c)}, 0)`;
    case 'assign':
      return `case when ${t}.${flag(c)} then ${t}.${param(c)} else ${current} end`;
  }
}

/** `status = coalesce(t.p_status, c.status), …` — the UPDATE's SET list, input rows aliased `t`, the table `c`. */
export const PATCH_SET_SQL: SQL = sql.raw(['updated_at = now()', ...ENTRIES.map(([, c]) => `${c.column} = ${assignment(c, `c.${c.column}`, 't')}`)].join(', '));

/** The patched columns of a NEW conversation: names and values (the defaults moved by the patch in `t`). */
export const PATCH_INSERT_COLUMNS: SQL = sql.raw(ENTRIES.map(([, c]) => c.column).join(', '));
export const PATCH_INSERT_VALUES: SQL = sql.raw(ENTRIES.map(([, c]) => assignment(c, c.initial, 't')).join(', '));

/** An event's conversation patches as one: later fields win, unread increments add up. */
export function mergePatches(patches: ConversationPatch[]): ConversationPatch {
  return patches.reduce<ConversationPatch>((all, patch) => {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<ConversationPatch>;
    const counted = all.unreadIncrement !== undefined || patch.unreadIncrement !== undefined;
    return { ...all, ...defined, ...(counted ? { unreadIncrement: (all.unreadIncrement ?? 0) + (patch.unreadIncrement ?? 0) } : {}) };
  }, {});
}
