/**
 * @module views/inbox/csrf-field — the hidden fields of a recruiter's own forms: the no-JavaScript fallback for CSRF
 * (htmx requests send X-CSRF-Token from the app root instead) and the reply box's command token.
 */

/** Pushed fragments go to many recruiters at once and so carry no token: they render without this field. */
export function CsrfField({ csrf }: { csrf?: string }) {
  return csrf ? <input type="hidden" name="_csrf" value={csrf} /> : '';
}

/**
 * The reply box's command token (`commandToken`, server/services/reply-command COMMAND_TOKEN_FIELD): a reply sent
 * again from the same box is saved once. A UUID, so no escaping can matter; none in a pushed fragment.
 */
export function CommandTokenField({ token }: { token?: string }) {
  return token ? <input type="hidden" name="commandToken" value={Bun.escapeHTML(token)} /> : '';
}
