/** @module views/inbox/csrf-field — the no-JavaScript fallback for CSRF; htmx requests send X-CSRF-Token from the app root instead. */

/** Pushed fragments go to many recruiters at once and so carry no token: they render without this field. */
export function CsrfField({ csrf }: { csrf?: string }) {
  return csrf ? <input type="hidden" name="_csrf" value={csrf} /> : '';
}
