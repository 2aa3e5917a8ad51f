/**
 * @module views/form/guardian-fields — the form's date of birth and, under 18, her guardian's block (Law 1581 Art. 7;
 * Decree 1377 Art. 12). Progressive: without JavaScript the block is always there, marked "only if you are under 18",
 * and the server checks it; with htmx, `#guardian-block` asks `/f/<token>/guardian` whether to show it as soon as the
 * page loads and whenever the date changes (`POST /f/:token/guardian` in server/routes/form), keeping what was typed.
 */
import { GUARDIAN_RELATIONSHIPS, ID_DOCUMENT_TYPES } from '../../actors/vocabulary';
import { FieldError, inline, TextField, type InlineCheck } from './fields';
import { minorStrings, type MinorStrings } from './minor-strings';
import type { GuardianValues, MinorField } from './minor-types';
import type { FormStrings } from './strings';
import type { FormErrors, FormValues } from './types';
import { attr } from './shell';

export const GUARDIAN_BLOCK_ID = 'guardian-block';

type Errors = Partial<Record<MinorField, string>>;

function RequiredMark() {
  return (
    <span class="req" aria-hidden="true">
      {' '}
      *
    </span>
  );
}

/** The date of birth: a native date picker (it posts `YYYY-MM-DD`), bounded to today in the browser; the server checks again. */
export function BirthDateField({ m, value, error, errorPrefix, check, max }: { m: MinorStrings; value: string; error?: string; errorPrefix: string; check?: InlineCheck; max?: string }) {
  return (
    <div class={error ? 'field has-error' : 'field'} id="field-birthDate">
      <label for="birthDate" class="field-label">
        <span safe>{m.birthDate.label}</span>
        <RequiredMark />
      </label>
      <p class="hint" id="hint-birthDate" safe>
        {m.birthDate.hint}
      </p>
      <FieldError name="birthDate" message={error} prefix={errorPrefix} />
      <input
        type="date"
        id="birthDate"
        name="birthDate"
        value={attr(value)}
        max={max ? attr(max) : undefined}
        min="1900-01-01"
        required
        autocomplete="bday"
        aria-describedby="hint-birthDate err-birthDate"
        aria-invalid={error ? 'true' : undefined}
        {...inline(check, 'birthDate')}
      />
    </div>
  );
}

function SelectField(props: { name: MinorField; label: string; options: { value: string; label: string }[]; value: string; error?: string; errorPrefix: string; choose: string; check?: InlineCheck }) {
  const { name, error } = props;
  return (
    <div class={error ? 'field has-error' : 'field'} id={`field-${name}`}>
      <label for={name} class="field-label">
        <span safe>{props.label}</span>
        <RequiredMark />
      </label>
      <FieldError name={name} message={error} prefix={props.errorPrefix} />
      <select id={name} name={name} required aria-describedby={`err-${name}`} aria-invalid={error ? 'true' : undefined} {...inline(props.check, name)}>
        <option value="" safe>
          {props.choose}
        </option>
        {props.options.map((option) => (
          <option value={attr(option.value)} selected={option.value === props.value} safe>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export interface GuardianBlockProps {
  m: MinorStrings;
  values: GuardianValues;
  errors: Errors;
  errorPrefix: string;
  optionalText: string;
  /** `/f/<token>`: the block asks `<action>/guardian` whether to show itself. */
  action: string;
  check?: InlineCheck;
  /** true: she is a minor (shown); false: an adult (an empty placeholder); undefined: not known yet (shown, with a note). */
  minor: boolean | undefined;
}

/** `#guardian-block`: the guardian's fields, or the empty placeholder that htmx fills when the date says she is a minor. */
export function GuardianBlock(props: GuardianBlockProps) {
  const { m, values, errors, minor } = props;
  const htmx = {
    'hx-post': attr(`${props.action}/guardian`),
    // On load only when the page could not tell: a fragment never asks for itself again.
    'hx-trigger': minor === undefined ? 'load, change from:#birthDate' : 'change from:#birthDate',
    'hx-include': 'closest form',
    'hx-swap': 'outerHTML',
  };
  if (minor === false) return <div id={GUARDIAN_BLOCK_ID} {...htmx}></div>;
  const g = m.guardian;
  const common = { errorPrefix: props.errorPrefix, check: props.check, optionalText: props.optionalText };
  return (
    <fieldset class="field group guardian-block" id={GUARDIAN_BLOCK_ID} aria-describedby="guardian-intro" {...htmx}>
      <legend class="field-label" safe>
        {g.legend}
      </legend>
      <p class="hint" id="guardian-intro">
        {minor === undefined ? (
          <>
            <strong safe>{g.onlyIfMinor}</strong>{' '}
          </>
        ) : (
          ''
        )}
        <span safe>{g.intro}</span>
      </p>
      <TextField {...common} name="guardianName" label={g.name} value={values.name} error={errors.guardianName} maxlength={80} autocomplete="off" required />
      <div class="row">
        <SelectField
          {...common}
          name="guardianDocumentType"
          label={g.documentType}
          choose={g.choose}
          options={ID_DOCUMENT_TYPES.map((value) => ({ value, label: g.documentTypes[value] }))}
          value={values.documentType}
          error={errors.guardianDocumentType}
        />
        <TextField {...common} name="guardianDocumentNumber" label={g.documentNumber} value={values.documentNumber} error={errors.guardianDocumentNumber} maxlength={24} autocomplete="off" required />
      </div>
      <SelectField
        {...common}
        name="guardianRelationship"
        label={g.relationship}
        choose={g.choose}
        options={GUARDIAN_RELATIONSHIPS.map((value) => ({ value, label: g.relationships[value] }))}
        value={values.relationship}
        error={errors.guardianRelationship}
      />
      <p class="hint" safe>
        {g.contactHint}
      </p>
      <TextField {...common} name="guardianPhone" label={g.phone} hint={g.phoneHint} value={values.phone} error={errors.guardianPhone} maxlength={32} inputmode="tel" autocomplete="off" />
      <TextField {...common} name="guardianEmail" type="email" inputmode="email" label={g.email} value={values.email} error={errors.guardianEmail} maxlength={254} autocomplete="off" />
    </fieldset>
  );
}

/** Both, as the form page places them: the date of birth, then the guardian's block. */
export function MinorFields(props: { s: FormStrings; values: FormValues; errors: FormErrors; action: string; check?: InlineCheck; minor: boolean | undefined; today?: string }) {
  const m = minorStrings(props.s.lang);
  const errorPrefix = 'Error: ';
  return (
    <>
      <BirthDateField m={m} value={props.values.birthDate} error={props.errors.birthDate} errorPrefix={errorPrefix} check={props.check} max={props.today} />
      <GuardianBlock
        m={m}
        values={props.values.guardian}
        errors={props.errors}
        errorPrefix={errorPrefix}
        optionalText={props.s.optional}
        action={props.action}
        check={props.check}
        minor={props.minor}
      />
    </>
  );
}
