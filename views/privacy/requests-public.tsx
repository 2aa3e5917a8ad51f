/**
 * @module views/privacy/requests-public — /privacy/request, where an aspirant asks to exercise her rights (Law 1581
 * Art. 8) in her language. Opened from her form (a signed link, `?token=`), it is a short form that opens the request
 * for her; without it the page cannot tell who she is, so it sends her to the agency's WhatsApp, where her number
 * identifies her ("mis datos", "borrar mis datos").
 */
import { DATA_SUBJECT_RIGHTS, type Locale } from '../../actors/vocabulary';
import { attr, FormShell } from '../form/shell';
import { requestAspirantStrings } from './requests-aspirant-strings';

export interface RequestPublicProps {
  locale: Locale;
  agencyName: string;
  /** The agency's WhatsApp number (E.164), when the provider knows it. */
  whatsappNumber?: string;
  /** Her valid form token: the form is shown. */
  token?: string;
  /** A token was given but is expired or invalid. */
  linkProblem?: boolean;
  /** Already in her language: what happened. */
  notice?: string;
  error?: { field: 'right' | 'details'; message: string };
  draft?: { right?: string; details?: string };
}

/** `https://wa.me/<digits>?text=…`: her WhatsApp opens a chat with the agency, the words typed in. */
export function waMeLink(number: string, text: string): string {
  return `https://wa.me/${number.replace(/\D/g, '')}?text=${encodeURIComponent(text)}`;
}

/** The one-line link to /privacy/request from the form (with her token: she can ask there directly) and the privacy notice. */
export function RightsLink({ locale, token }: { locale: Locale; token?: string }) {
  const href = `/privacy/request?lang=${locale}${token ? `&token=${encodeURIComponent(token)}` : ''}`;
  return (
    <p class="rights-link">
      <a href={attr(href)} safe>
        {requestAspirantStrings(locale).link}
      </a>
    </p>
  );
}

function AskOnWhatsApp({ locale, whatsappNumber }: { locale: Locale; whatsappNumber?: string }) {
  const s = requestAspirantStrings(locale);
  return (
    <section>
      <p safe>{s.whatsapp}</p>
      {whatsappNumber ? (
        <p class="action">
          <a class="submit" href={attr(waMeLink(whatsappNumber, s.keywords))} rel="noopener noreferrer" safe>
            {s.whatsappButton}
          </a>
        </p>
      ) : (
        <p safe>{s.whatsappUnknown}</p>
      )}
    </section>
  );
}

function RequestForm({ locale, token, error, draft }: RequestPublicProps & { token: string }) {
  const s = requestAspirantStrings(locale);
  const fieldError = (field: 'right' | 'details') =>
    error?.field === field ? (
      <p class="field-error" id={`err-${field}`} safe>
        {error.message}
      </p>
    ) : (
      ''
    );
  return (
    <form method="post" action="/privacy/request" class="request-form" novalidate>
      <input type="hidden" name="token" value={attr(token)} />
      <input type="hidden" name="lang" value={locale} />
      <fieldset class="field">
        <legend class="field-label" safe>
          {s.right}
        </legend>
        {DATA_SUBJECT_RIGHTS.map((right) => (
          <label class="choice">
            <input type="radio" name="right" value={right} required checked={draft?.right === right} /> <span safe>{s.rights[right]}</span>
          </label>
        ))}
        {fieldError('right')}
      </fieldset>
      <div class="field">
        <label class="field-label" for="details" safe>
          {s.words}
        </label>
        <p class="field-hint" safe>
          {s.wordsHint}
        </p>
        <textarea id="details" name="details" rows="4" maxlength="2000" safe>
          {draft?.details ?? ''}
        </textarea>
        {fieldError('details')}
      </div>
      <button type="submit" class="submit" safe>
        {s.submit}
      </button>
    </form>
  );
}

export function RequestPublicPage(props: RequestPublicProps) {
  const { locale, agencyName, token, notice } = props;
  const s = requestAspirantStrings(locale);
  const other = locale === 'es' ? 'en' : 'es';
  const switchHref = `/privacy/request?lang=${other}${token ? `&token=${encodeURIComponent(token)}` : ''}`;
  return (
    <FormShell title={`${s.title} — ${agencyName}`} lang={locale} agencyName={agencyName}>
      <div class="lang-switch">
        <a href={attr(switchHref)} hreflang={other} lang={other} safe>
          {s.switchLabel}
        </a>
      </div>
      <article class="prose">
        <h1 safe>{s.title}</h1>
        <p class="lead" safe>
          {s.intro}
        </p>
        {notice ? (
          <p class="notice" role="status" safe>
            {notice}
          </p>
        ) : (
          ''
        )}
        {props.linkProblem ? (
          <p class="error-summary" role="alert" safe>
            {s.expired}
          </p>
        ) : (
          ''
        )}
        {token && !notice ? <RequestForm {...props} token={token} /> : ''}
        {token ? '' : <AskOnWhatsApp locale={locale} whatsappNumber={props.whatsappNumber} />}
      </article>
    </FormShell>
  );
}
