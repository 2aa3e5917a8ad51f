/** @module views/form/form-page — the aspirant's profile form: server-rendered, works without JavaScript, htmx checks fields inline. */
import { DAY_PARTS, MODELING_TYPES, SHIFTS } from '../../actors/vocabulary';
import { ChoiceGroup, Confirm, TextField } from './fields';
import { RightsLink } from '../privacy/requests-public';
import { MinorFields } from './guardian-fields';
import { SensitiveFields } from './sensitive-fields';
import { attr, FormShell } from './shell';
import type { FormStrings } from './strings';
import type { FormErrors, FormField, FormValues } from './types';

export interface FormPageProps {
  s: FormStrings;
  agencyName: string;
  /** `/f/<token>`: where the form posts; `/validate` is appended for the inline checks. */
  action: string;
  values: FormValues;
  errors: FormErrors;
  privacyUrl: string;
  /** Identifies this rendering of the form, so a double click stores one submission, not two. */
  nonce: string;
  /** Under 18 by the date typed (true), an adult (false), not known yet (absent); and today in Bogotá, `YYYY-MM-DD`. */
  minor?: boolean;
  today?: string;
}

/** Where the error summary links to: the input itself, or a group's first option. */
function anchor(field: FormField): string {
  if (field === 'preferredModelingTypes') return `${field}-${MODELING_TYPES[0]}`;
  if (field === 'preferredShift') return `${field}-${SHIFTS[0]}`;
  if (field === 'unavailableShifts') return `${field}-${DAY_PARTS[0]}`;
  if (field === 'hasKids') return 'hasKids-yes';
  return field;
}

function ErrorSummary({ s, errors }: { s: FormStrings; errors: FormErrors }) {
  const entries = Object.entries(errors) as [FormField, string][];
  if (!entries.length) return '';
  return (
    // Focused on load (autofocus works on any focusable element; the JSX types only allow it on inputs).
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" {...{ autofocus: true }}>
      <h2 id="error-summary-title" safe>
        {s.errorSummary}
      </h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#${anchor(field)}`} safe>
              {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function FormPage({ s, agencyName, action, values, errors, privacyUrl, nonce, minor, today }: FormPageProps) {
  const check = { url: `${action}/validate` };
  const common = { errorPrefix: 'Error: ', check, optionalText: s.optional };
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <FormShell title={`${hasErrors ? `${s.errorSummary} — ` : ''}${s.title(agencyName)}`} lang={s.lang} agencyName={agencyName} htmx>
      <div class="lang-switch">
        <a href={attr(`${action}?lang=${s.otherLang.code}`)} hreflang={s.otherLang.code} lang={s.otherLang.code} safe>
          {s.otherLang.label}
        </a>
      </div>
      <h1 safe>{s.title(agencyName)}</h1>
      <p class="lead" safe>
        {s.intro}
      </p>
      <p class="note" safe>
        {s.requiredNote}
      </p>
      <ErrorSummary s={s} errors={errors} />
      <form method="post" action={attr(action)} novalidate class="profile-form" id="profile-form">
        <input type="hidden" name="locale" value={s.lang} />
        <input type="hidden" name="nonce" value={attr(nonce)} />
        <div class="row">
          <TextField {...common} name="firstName" label={s.labels.firstName} value={values.firstName} error={errors.firstName} maxlength={80} autocomplete="given-name" required />
          <TextField {...common} name="lastName" label={s.labels.lastName} value={values.lastName} error={errors.lastName} maxlength={80} autocomplete="family-name" required />
        </div>
        <TextField {...common} name="email" type="email" inputmode="email" label={s.labels.email} hint={s.hints.email} value={values.email} error={errors.email} maxlength={254} autocomplete="email" />
        <TextField
          {...common}
          name="location"
          label={s.labels.location}
          hint={s.hints.location}
          value={values.location}
          error={errors.location}
          maxlength={120}
          autocomplete="address-level2"
          required
        />
        <ChoiceGroup
          {...common}
          type="checkbox"
          name="preferredModelingTypes"
          label={s.labels.preferredModelingTypes}
          hint={s.hints.preferredModelingTypes}
          options={MODELING_TYPES.map((value) => ({ value, label: s.modelingTypes[value] }))}
          selected={values.preferredModelingTypes}
          error={errors.preferredModelingTypes}
          required
        />
        <ChoiceGroup
          {...common}
          type="radio"
          name="preferredShift"
          label={s.labels.preferredShift}
          options={SHIFTS.map((value) => ({ value, label: s.shifts[value] }))}
          selected={[values.preferredShift]}
          error={errors.preferredShift}
          required
          columns
        />
        <ChoiceGroup
          {...common}
          type="checkbox"
          name="unavailableShifts"
          label={s.labels.unavailableShifts}
          hint={s.hints.unavailableShifts}
          options={DAY_PARTS.map((value) => ({ value, label: s.dayParts[value] }))}
          selected={values.unavailableShifts}
          error={errors.unavailableShifts}
          columns
        />
        <TextField {...common} name="notes" multiline label={s.labels.notes} hint={s.hints.notes} value={values.notes} error={errors.notes} maxlength={1000} />
        <MinorFields s={s} values={values} errors={errors} action={action} check={check} minor={minor} today={today} />
        <SensitiveFields s={s} values={values} errors={errors} check={check} />
        <div class="confirmations">
          <Confirm {...common} name="consent" label={s.labels.consent} hint={s.hints.consent} checked={values.consent} error={errors.consent} required>
            <a href={attr(privacyUrl)} target="_blank" rel="noopener noreferrer" safe>
              {s.privacyLink}
            </a>
          </Confirm>
        </div>
        <button type="submit" class="submit" safe>
          {s.submit}
        </button>
      </form>
      <RightsLink locale={s.lang} token={action.replace(/^\/f\//, '')} />
    </FormShell>
  );
}
