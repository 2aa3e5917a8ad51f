/**
 * @module server/services/storable — text Postgres cannot store, or that has no place in a field: control characters
 * (NUL cannot be stored in text or JSON at all) and lone UTF-16 surrogates (not valid UTF-8).
 */

const LONE_SURROGATE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const ONE_LINE = new RegExp(`[\\u0000-\\u001f\\u007f]|${LONE_SURROGATE}`);
/** As ONE_LINE, but line breaks and tabs belong in a multi-line text. */
const MULTI_LINE = new RegExp(`[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]|${LONE_SURROGATE}`);

/** Whether a one-line value (a name, an email) has a control character or a lone surrogate. */
export function unstorableLine(text: string): boolean {
  return ONE_LINE.test(text);
}

/** Whether a multi-line text (a canned response) has a control character other than a line break or tab, or a lone surrogate. */
export function unstorableText(text: string): boolean {
  return MULTI_LINE.test(text);
}
