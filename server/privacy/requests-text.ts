/**
 * @module server/privacy/requests-text — free text typed into the personal-data forms (her request's words, a
 * revocation note, an extension reason, an answer, the privacy notice) without the C0 control characters, which no one
 * types and Postgres refuses (`\0` in a text column is an error, not data): every one but tab, line feed and carriage
 * return is removed, so such input is stored clean instead of failing with a 500.
 */

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** `value` without C0 control characters other than \t \n \r; undefined and null pass through. */
export function plainText(value: string): string;
export function plainText(value: string | undefined): string | undefined;
export function plainText(value: string | null | undefined): string | null | undefined;
export function plainText(value: string | null | undefined): string | null | undefined {
  return typeof value === 'string' ? value.replace(CONTROL, '') : value;
}
