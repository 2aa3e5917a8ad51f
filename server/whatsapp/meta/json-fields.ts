/**
 * @module server/whatsapp/meta/json-fields — a signed Cloud API webhook's JSON read without refusing any of it for its
 * content, the JSON twin of server/whatsapp/webhook-fields: only own properties are ever read (`constructor`
 * never finds Object's), NULs and lone surrogates are removed, strings are kept whole up to a length we store
 * (counted in characters) and every part not kept as sent is named in the message's marks by its JSON path
 * (`text.body`, `image.mime_type`, `contact.profile.name`).
 */
import { charCount } from '../../../actors/conversation/body-limit';
import { firstCharacters } from '../../../actors/conversation/characters';
import type { PartMark } from '../../../actors/conversation/message-kinds';
import { MAX_FIELD_CHARACTERS, MAX_TEXT_CHARACTERS } from '../webhook-fields';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** How deep the audit copy follows nested objects (Meta's deepest documented path has 5 levels): deeper is dropped. */
export const MAX_RAW_DEPTH = 12;
/** How many items of one array the audit copy keeps (a message has one of each; a contact share is the longest list). */
export const MAX_RAW_ITEMS = 100;

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]` when it is the object's own property (or an array's index), else undefined: nothing inherited is read. */
export function own(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return /^\d+$/.test(key) ? value[Number(key)] : undefined;
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** The value at a dotted path (`context.from`, `contacts.0.vcard`) through own properties only. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) current = own(current, key);
  return current;
}

/** The parts of one message not kept as sent, once per field and mark, in the order found. */
export class Marks {
  readonly list: PartMark[] = [];

  mark(field: string, mark: PartMark['mark'], length?: number): void {
    if (this.list.some((m) => m.field === field && m.mark === mark)) return;
    this.list.push(length === undefined ? { field, mark } : { field, mark, length });
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * The audit copy of a JSON value: NULs removed from keys and strings (lone surrogates made U+FFFD), strings cut to
 * MAX_TEXT_CHARACTERS, arrays to MAX_RAW_ITEMS items, nesting to MAX_RAW_DEPTH (each cut marked under `path`);
 * anything JSON cannot hold is dropped. Objects are built with Object.fromEntries, so a `__proto__` key stays a plain
 * key and never sets a prototype.
 */
export function cleanJson(value: unknown, path: string, marks: Marks, depth = 0): Json | undefined {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return cleanString(value, path, marks);
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_RAW_DEPTH) {
    marks.mark(path, 'ignored');
    return undefined;
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_RAW_ITEMS) marks.mark(path, 'ignored', value.length);
    return value.slice(0, MAX_RAW_ITEMS).map((item, i) => cleanJson(item, join(path, String(i)), marks, depth + 1) ?? null);
  }
  const entries: [string, Json][] = [];
  for (const [key, item] of Object.entries(value)) {
    const name = key.toWellFormed().replaceAll('\u0000', '');
    const clean = cleanJson(item, join(path, name), marks, depth + 1);
    if (clean !== undefined) entries.push([name, clean]);
  }
  return Object.fromEntries(entries);
}

function cleanString(value: string, path: string, marks: Marks): string {
  // JSON may escape a lone surrogate (`"\ud800"`), which Postgres refuses: it becomes U+FFFD, as a UTF-8 decoder would make it.
  const whole = value.isWellFormed() ? value : value.toWellFormed();
  const clean = whole.includes('\u0000') ? whole.replaceAll('\u0000', '') : whole;
  // Cheap first test: a value of no more UTF-16 units than the cap has no more characters either.
  if (clean.length <= MAX_TEXT_CHARACTERS || charCount(clean) <= MAX_TEXT_CHARACTERS) return clean;
  marks.mark(path, 'cut', charCount(clean));
  return firstCharacters(clean, MAX_TEXT_CHARACTERS);
}

/** Reads fields of one cleaned JSON object; every mark is named `prefix` + the path read. */
export interface JsonFields {
  /** The value at `path` (own properties only), or undefined. */
  value(path: string): unknown;
  /**
   * A non-empty text at `path`, cut to `max` characters (marked `cut`); a finite number is read as its digits. Absent,
   * null or '' → undefined; any other type → undefined, marked `invalid`.
   */
  text(path: string, max?: number): string | undefined;
  /** True only for JSON `true`. */
  flag(path: string): boolean;
  mark(path: string, mark: PartMark['mark'], length?: number): void;
}

/** Fields of `root` (an object made by cleanJson) whose marks go to `marks`, named with `prefix`. */
export function jsonFields(root: unknown, marks: Marks, prefix = ''): JsonFields {
  const mark = (path: string, kind: PartMark['mark'], length?: number) => marks.mark(prefix + path, kind, length);
  return {
    value: (path) => at(root, path),
    flag: (path) => at(root, path) === true,
    mark,
    text(path, max = MAX_FIELD_CHARACTERS) {
      const value = at(root, path);
      if (value === undefined || value === null || value === '') return undefined;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value !== 'string') {
        mark(path, 'invalid');
        return undefined;
      }
      if (value.length <= max || charCount(value) <= max) return value;
      mark(path, 'cut', charCount(value));
      return firstCharacters(value, max);
    },
  };
}
