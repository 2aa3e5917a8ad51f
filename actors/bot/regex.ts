/**
 * @module actors/bot/regex — a script's regular expressions, run by re2js (RE2's linear-time engine in JavaScript)
 * rather than the JavaScript engine's backtracking one: a transition's regex runs on every aspirant message (and on
 * every recorded one in a replay), and a ten-character pattern such as `^(.|.|.)*z0` keeps a backtracking engine
 * busy for seconds on one short message, with the server's only thread. RE2 syntax has no lookaround and no
 * back-references; matching is case-insensitive and Unicode-aware, as scripts always were (`iu`).
 */
import { RE2JS } from 're2js';

/** Longest pattern a script may hold (characters): a regex is a filter on a short message, not a program. */
export const MAX_REGEX_LENGTH = 500;
/** Compiled patterns kept (the oldest dropped first): scripts hold few, replays may bring many. */
const CACHE_SIZE = 256;
const cache = new Map<string, RE2JS | null>();

/** The compiled pattern, or null when RE2 cannot compile it (a version published before, with JS-only syntax). */
function compiled(source: string): RE2JS | null {
  let regex = cache.get(source);
  if (regex === undefined) {
    try {
      regex = source.length > MAX_REGEX_LENGTH ? null : RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    } catch {
      regex = null;
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(source, regex);
  }
  return regex;
}

/** Whether `text` contains a match of `source` (a pattern that does not compile matches nothing). */
export function regexMatches(source: string, text: string): boolean {
  return compiled(source)?.matcher(text).find() ?? false;
}

/** Why `source` is not a pattern scripts accept (too long, or not RE2 syntax), or undefined when it is one. */
export function regexProblem(source: string): string | undefined {
  if (source.length > MAX_REGEX_LENGTH) return `a regex has at most ${MAX_REGEX_LENGTH} characters`;
  try {
    RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
