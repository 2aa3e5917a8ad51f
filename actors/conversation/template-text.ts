/**
 * @module actors/conversation/template-text — a WhatsApp template's body and its placeholders: Twilio's Content API
 * and Meta's positional templates write `{{1}}`, `{{2}}`; Meta's named ones `{{first_name}}` (lower-case letters,
 * digits and underscores). Pure: the sync reads the placeholders, the composer shows the body with an input in
 * each, and the reply route renders the text the chat shows.
 */

/** A placeholder as providers write it; spaces inside the braces are tolerated (`{{ 1 }}`). */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]{1,64})\s*\}\}/g;

/** One piece of a body: literal text, or a placeholder by its name (`'1'`, `'first_name'`). */
export type TemplateSegment = { text: string } | { variable: string };

/** The body cut into text and placeholders, in order; `{{` that opens no valid placeholder stays text. */
export function templateSegments(body: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let last = 0;
  for (const match of body.matchAll(PLACEHOLDER)) {
    if (match.index > last) segments.push({ text: body.slice(last, match.index) });
    segments.push({ variable: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < body.length) segments.push({ text: body.slice(last) });
  return segments;
}

/** Numbered names first, by number (`2` before `10`); named ones after, in the order given. */
function byNumber(a: string, b: string): number {
  const [x, y] = [/^\d+$/.test(a) ? Number(a) : Infinity, /^\d+$/.test(b) ? Number(b) : Infinity];
  return x === y ? 0 : x < y ? -1 : 1;
}

/**
 * The distinct placeholder names of `body`, and any `extra` ones (Twilio's `variables` map names some that only a
 * media URL or a button uses), each once: numbered ones by number, then named ones in order of appearance.
 */
export function placeholdersOf(body: string, extra: Iterable<string> = []): string[] {
  const names = new Set<string>();
  for (const segment of templateSegments(body)) if ('variable' in segment) names.add(segment.variable);
  for (const name of extra) if (/^[A-Za-z0-9_]{1,64}$/.test(name)) names.add(name);
  return [...names].sort(byNumber);
}

/** The body with each placeholder replaced by its value; one without a value stays as written (`{{2}}`). */
export function fillTemplate(body: string, values: Readonly<Record<string, string>>): string {
  return templateSegments(body)
    .map((segment) => ('text' in segment ? segment.text : Object.hasOwn(values, segment.variable) ? values[segment.variable]! : `{{${segment.variable}}}`))
    .join('');
}

/** Placeholders filled with the aspirant's first name: `{{1}}` (the convention), or a named `{{first_name}}`/`{{name}}`. */
export const FIRST_NAME_VARIABLES: readonly string[] = ['1', 'first_name', 'name'];
