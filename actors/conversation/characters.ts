/**
 * @module actors/conversation/characters — text cut as people count it: in characters (Unicode code points, as
 * ./body-limit `charCount` counts them), never in UTF-16 units, so a cut never splits an emoji in half (a lone
 * surrogate, which Postgres refuses). Grapheme clusters (a family emoji, a flag) may still span several characters.
 */

/** The first `max` characters (code points) of `text`; `text` itself when it has no more. */
export function firstCharacters(text: string, max: number): string {
  // Fewer UTF-16 units than `max` means fewer characters too: the common case costs no walk.
  if (text.length <= max) return text;
  let units = 0;
  for (let taken = 0; taken < max && units < text.length; taken++) {
    const unit = text.charCodeAt(units);
    const pair = unit >= 0xd800 && unit <= 0xdbff && units + 1 < text.length && (text.charCodeAt(units + 1) & 0xfc00) === 0xdc00;
    units += pair ? 2 : 1;
  }
  return text.slice(0, units);
}
