/** @module actors/bot/text — word matching, {variable} rendering, durations and "did you mean" suggestions for bot scripts. */

/** Lower case with accents removed, so "Cuánto" and "cuanto" are the same word. */
export function normalize(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function words(text: string): string[] {
  return normalize(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** Script keywords are few and fixed: each is split into words once, not for every message it is checked against. */
const keywordCache = new Map<string, readonly string[]>();
const KEYWORD_CACHE_LIMIT = 10_000;

function keywordWords(keyword: string): readonly string[] {
  let cached = keywordCache.get(keyword);
  if (cached === undefined) {
    if (keywordCache.size >= KEYWORD_CACHE_LIMIT) keywordCache.clear();
    cached = words(keyword);
    keywordCache.set(keyword, cached);
  }
  return cached;
}

/** Whole-word match: a keyword (or phrase) matches when its words appear consecutively in the text. */
export function containsKeyword(textWords: readonly string[], keyword: string): boolean {
  const wanted = keywordWords(keyword);
  if (wanted.length === 0) return false;
  for (let start = 0; start + wanted.length <= textWords.length; start++) {
    if (wanted.every((word, offset) => textWords[start + offset] === word)) return true;
  }
  return false;
}

export const VARIABLE_PATTERN = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function variablesIn(text: string): string[] {
  return [...text.matchAll(VARIABLE_PATTERN)].map((match) => match[1] as string);
}

/** Replaces every {name}; a name without a value becomes '' so no raw placeholder ever reaches an aspirant. */
export function renderTemplate(text: string, values: Readonly<Record<string, string | undefined>>): string {
  return text.replace(VARIABLE_PATTERN, (_whole, name: string) => (Object.hasOwn(values, name) ? (values[name] ?? '') : ''));
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_DURATION_MS = 90 * UNIT_MS.d;

/** "30m", "4h", "1d" → ms; anything else (including zero and more than 90 days) → null. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,4})([mhd])$/.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : null;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Names longer than this get no "did you mean": the edit distance costs their lengths multiplied. */
const MAX_SUGGESTED_LENGTH = 64;

/** The closest known name when it is plausibly a typo (at most a third of its letters wrong). */
export function closest(name: string, known: Iterable<string>): string | undefined {
  if (name.length > MAX_SUGGESTED_LENGTH) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    if (candidate.length > MAX_SUGGESTED_LENGTH) continue;
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

export function didYouMean(name: string, known: Iterable<string>): string {
  const suggestion = closest(name, known);
  return suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
}
