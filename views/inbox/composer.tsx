/** @module views/inbox/composer — the reply box: free text inside the 24-hour window, approved templates outside it, canned responses (⚡ menu and `/` suggestions). */
import { charCount, MAX_BODY_CHARS } from '../../actors/conversation/body-limit';
import { CommandTokenField, CsrfField } from './csrf-field';
import type { Translator } from '../i18n';
import { timeLeft, WINDOW_WARNING_MS } from './format';
import { TemplatePicker } from './template-picker';
import type { CannedView, SessionWindow, TemplateView } from './types';

export { TemplatePicker } from './template-picker';

export interface ComposerProps {
  conversationId: number;
  i18n: Translator;
  csrf?: string;
  window: SessionWindow;
  templates: TemplateView[];
  canned: CannedView[];
  optedOut?: boolean;
  /** Shown above the box when the last send was refused (the textarea keeps its draft via hx-preserve). */
  error?: string;
  /** The refused text, put back in the box for a browser without htmx (with htmx the preserved box keeps its own). */
  draft?: string;
  /**
   * The box's command token (server/services/reply-command): the same reply sent again from this box is saved once.
   * Kept across a refusal, drawn anew when absent; a pushed composer (no `csrf`: many recruiters get it) carries none.
   */
  commandToken?: string;
  now?: Date;
  oob?: boolean;
}

/** Stable id `composer-<id>`; POSTs answer with a fresh <Composer> (with `error` on refusal), swapped outerHTML. */
export function Composer(props: ComposerProps) {
  const { conversationId, oob = false } = props;
  if (props.csrf && !props.commandToken) props = { ...props, commandToken: crypto.randomUUID() };
  return (
    <div id={`composer-${conversationId}`} class="composer-area" hx-swap-oob={oob ? 'true' : undefined}>
      {props.error ? (
        <p class="form-error" role="alert" safe>
          {props.error}
        </p>
      ) : (
        ''
      )}
      {props.optedOut ? <OptedOutNotice i18n={props.i18n} /> : props.window.open ? <OpenComposer {...props} /> : <ClosedComposer {...props} />}
    </div>
  );
}

function OptedOutNotice({ i18n }: { i18n: Translator }) {
  return (
    <p class="window-note is-closed" safe>
      {i18n.t('inbox.composer.optedOut')}
    </p>
  );
}

function OpenComposer({ conversationId, csrf, commandToken, window, canned, i18n, draft = '', now = new Date() }: ComposerProps) {
  const { t } = i18n;
  const action = `/inbox/${conversationId}/messages`;
  const textId = `composer-text-${conversationId}`;
  // The `/` suggestions (inbox.js): a textarea keeps its textbox role (ARIA in HTML allows it no other, and
  // aria-expanded is not valid on it), so it says it completes from a listbox and points at the option chosen.
  // The parser drops one newline right after <textarea>: a draft that starts with one keeps it.
  const boxText = draft ? `\n${draft}` : '';
  const length = charCount(draft);
  const suggests = canned.length > 0 ? { 'aria-autocomplete': 'list', 'aria-haspopup': 'listbox', 'aria-controls': `canned-list-${conversationId}` } : {};
  return (
    <>
      <form class="composer" method="post" action={action} hx-post={action} hx-target={`#composer-${conversationId}`} hx-swap="outerHTML" data-reset-on-success>
        <CsrfField csrf={csrf} />
        <CommandTokenField token={commandToken} />
        <CannedResponses conversationId={conversationId} canned={canned} i18n={i18n} />
        <CannedSuggestions conversationId={conversationId} canned={canned} i18n={i18n} />
        <label class="visually-hidden" for={textId} safe>
          {t('inbox.composer.reply')}
        </label>
        {/* No maxlength: it counts UTF-16 units and cuts a paste silently; the counter and the server count characters. */}
        <textarea
          id={textId}
          name="body"
          rows="1"
          required
          placeholder={t('inbox.composer.placeholder')}
          aria-describedby={`composer-count-${conversationId}`}
          aria-invalid={length > MAX_BODY_CHARS ? 'true' : undefined}
          data-enter-sends
          hx-preserve
          {...suggests}
          safe
        >
          {boxText}
        </textarea>
        <button type="submit" class="send" aria-label={t('inbox.composer.send')}>
          <span aria-hidden="true">➤</span>
        </button>
        <ComposerCount conversationId={conversationId} length={length} i18n={i18n} />
        {/* A send that got no answer (no connection, or the answer lost) says so here; the text stays in the box. */}
        <p class="form-error composer-error" role="alert" data-form-error data-unconfirmed-text={t('inbox.sendUnconfirmed')}></p>
      </form>
      {window.closesAt && window.closesAt.getTime() - now.getTime() <= WINDOW_WARNING_MS ? (
        <p class="window-note is-closing" role="status">
          <span aria-hidden="true">⌛ </span>
          <time datetime={window.closesAt.toISOString()} data-countdown data-words="closingSoon" safe>
            {t('inbox.composer.closingSoon', { duration: timeLeft(window.closesAt, now, i18n) })}
          </time>
        </p>
      ) : (
        ''
      )}
      {window.closesAt ? (
        <p class="window-note">
          <span safe>{t('inbox.composer.freeFor')}</span>
          <time datetime={window.closesAt.toISOString()} data-countdown title={i18n.dateTime(window.closesAt)} safe>
            {timeLeft(window.closesAt, now, i18n)}
          </time>
          <span class="muted kbd-hint" safe>
            {t('inbox.composer.enterHint')}
          </span>
          {canned.length > 0 ? (
            <span class="muted kbd-hint" safe>
              {t('inbox.composer.cannedSlash')}
            </span>
          ) : (
            ''
          )}
        </p>
      ) : (
        ''
      )}
      <div hidden hx-ws:send hx-trigger={`input from:#${textId} throttle:3s`} hx-vals={JSON.stringify({ type: 'typing', conversationId })}></div>
    </>
  );
}

/** Share of the limit from which the counter warns (90 %: 1,440 of 1,600). */
const NEAR_SHARE = 0.9;

/**
 * The reply box's counter, "1.234/1.600" in the reader's numbers: characters as code points, as the server counts them
 * (actors/conversation/body-limit). inbox.js recounts on every keystroke with the words carried here; past the limit
 * it marks the box invalid, so the browser refuses to submit it and says why. Announced only when it changes state.
 */
export function ComposerCount({ conversationId, length, i18n }: { conversationId: number; length: number; i18n: Translator }) {
  const { t } = i18n;
  const max = MAX_BODY_CHARS;
  const near = Math.floor(max * NEAR_SHARE);
  const state = length > max ? 'is-over' : length >= near ? 'is-near' : '';
  return (
    <p
      class={`composer-count ${state}`.trim()}
      id={`composer-count-${conversationId}`}
      data-count-for={`composer-text-${conversationId}`}
      data-max={max}
      data-near={near}
      data-locale={i18n.intlLocale}
      data-template={i18n.messages.inbox.composer.count}
      data-near-text={t('inbox.composer.countNear', { max: i18n.number(max) })}
      data-too-long={t('inbox.composer.tooLong', { max: i18n.number(max) })}
    >
      <span data-count safe>
        {t('inbox.composer.count', { count: i18n.number(length), max: i18n.number(max) })}
      </span>
      <span class="visually-hidden" safe>
        {t('inbox.composer.countUnit')}
      </span>
      <span class="visually-hidden" role="status" data-count-status></span>
    </p>
  );
}

function ClosedComposer({ conversationId, csrf, commandToken, window, templates, i18n }: ComposerProps) {
  const { t } = i18n;
  return (
    <>
      <p class="window-note is-closed">
        {window.closesAt ? (
          <span>
            <span safe>{t('inbox.composer.closedAt')}</span>
            <time datetime={window.closesAt.toISOString()} safe>
              {i18n.dateTime(window.closesAt)}
            </time>
            .{' '}
          </span>
        ) : (
          <span safe>{t('inbox.composer.closed')}</span>
        )}
        <span safe>{t('inbox.composer.templatesOnly')}</span>
      </p>
      <TemplatePicker conversationId={conversationId} csrf={csrf} commandToken={commandToken} templates={templates} i18n={i18n} />
    </>
  );
}

/** A canned response as both menus show it: its title, then its text (filled for this aspirant). */
function CannedText({ item }: { item: CannedView }) {
  return (
    <>
      <span class="canned-title" safe>
        {item.title}
      </span>
      <span class="canned-body" safe>
        {item.body}
      </span>
    </>
  );
}

/**
 * Saved answers; picking one fills the reply box for editing (inbox.js), it never sends on its own. The text in an
 * attribute is escaped whole (kitajs escapes only `"` there, and the browser would read `&amp;` typed in it as `&`).
 */
export function CannedResponses({ conversationId, canned, i18n }: { conversationId: number; canned: CannedView[]; i18n: Translator }) {
  if (canned.length === 0) return '';
  const label = i18n.t('inbox.composer.canned');
  return (
    <details class="canned">
      <summary aria-label={label} title={label}>
        <span aria-hidden="true">⚡</span>
      </summary>
      <ul class="canned-menu">
        {canned.map((item) => (
          <li>
            <button type="button" class="canned-item" data-canned-for={`composer-text-${conversationId}`} data-canned-body={Bun.escapeHTML(item.body)}>
              <CannedText item={item} />
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * What `/` at the start of a line offers (inbox.js filters, shows and marks it): one option per canned response, its
 * filled text in `data-canned-text`; the hint and the no-match note are shown with it, and said through the status line.
 */
export function CannedSuggestions({ conversationId, canned, i18n }: { conversationId: number; canned: CannedView[]; i18n: Translator }) {
  if (canned.length === 0) return '';
  const { t } = i18n;
  return (
    <>
      <div class="canned-suggest" id={`canned-suggest-${conversationId}`} hidden>
        <ul class="canned-options" role="listbox" id={`canned-list-${conversationId}`} aria-label={t('inbox.composer.canned')}>
          {canned.map((item) => (
            <li class="canned-item" role="option" id={`canned-option-${conversationId}-${item.id}`} aria-selected="false" data-canned-text={Bun.escapeHTML(item.body)}>
              <CannedText item={item} />
            </li>
          ))}
        </ul>
        <p class="canned-none" data-canned-none hidden safe>
          {t('inbox.composer.cannedNone')}
        </p>
        <p class="canned-hint" data-canned-hint safe>
          {t('inbox.composer.cannedHint')}
        </p>
      </div>
      <p class="visually-hidden" role="status" id={`canned-status-${conversationId}`}></p>
    </>
  );
}

/** Pushed when the window opens or closes; no CSRF field (htmx sends the header). */
export function ComposerPush(props: Omit<ComposerProps, 'csrf' | 'oob' | 'error'>) {
  return <Composer {...props} oob />;
}
