/** @module server/realtime/live-messages — what a /live socket may say, parsed from anything a client can send. */
import { INBOX_SCOPES } from '../../actors/vocabulary';
import type { ListFilters } from './topics';

export type LiveMessage =
  /** The tab's list filters: only rows that belong in this tab are pushed to it. */
  | { type: 'list'; filters: ListFilters }
  /** The tab opened a conversation (subscribe, after an access check) or is typing in it. */
  | { type: 'viewing' | 'typing'; conversationId: number }
  | { type: 'leaving' };

const TYPES = new Set(['viewing', 'typing', 'leaving', 'list']);
const SCOPES: ReadonlySet<string> = new Set(INBOX_SCOPES);
const MAX_ID = 2_147_483_647;

/** Own properties only: a key such as `constructor` or `__proto__` never reads through to Object.prototype. */
function field(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** A conversation id as htmx sends it: a number from hx-vals, or its decimal string. */
function conversationIdOf(value: unknown): number | null {
  const id = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= MAX_ID ? id : null;
}

function optionalString(value: unknown, maxLength: number): string | undefined | null {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' && value.length <= maxLength ? value : null;
}

function listFilters(message: object): ListFilters | null {
  const scope = field(message, 'scope') ?? 'all';
  const status = optionalString(field(message, 'status'), 20);
  const q = optionalString(field(message, 'q'), 200);
  if (typeof scope !== 'string' || !SCOPES.has(scope) || status === null || q === null) return null;
  return { scope: scope as ListFilters['scope'], status, q };
}

/**
 * The message a socket sent, or null when it is not one we understand: not an object, an unknown
 * `type`, a missing or out-of-range conversation id, filters of the wrong type or too long. Never
 * throws, whatever `raw` is (Elysia hands over parsed JSON, a string, a number, a Buffer…). Other
 * fields (htmx adds `headers`) are ignored.
 */
export function parseLiveMessage(raw: unknown): LiveMessage | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || ArrayBuffer.isView(raw) || raw instanceof ArrayBuffer) return null;
  const type = field(raw, 'type');
  if (typeof type !== 'string' || !TYPES.has(type)) return null;
  if (type === 'leaving') return { type };
  if (type === 'list') {
    const filters = listFilters(raw);
    return filters && { type, filters };
  }
  const conversationId = conversationIdOf(field(raw, 'conversationId'));
  return conversationId === null ? null : { type: type as 'viewing' | 'typing', conversationId };
}
