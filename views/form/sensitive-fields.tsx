/**
 * @module views/form/sensitive-fields — the form's optional sensitive block (Law 1581 Art. 6; Decree 1377 Art. 6, now
 * DUR 1074/2015 Art. 2.2.2.25.2.3): why each datum is asked, that answering is optional, and for each of photos,
 * children and measurements its own unticked-by-default box, with the question it covers right under it.
 */
import { ChoiceGroup, Confirm, TextField, type InlineCheck } from './fields';
import { sensitiveStrings, type SensitiveStrings } from './sensitive-strings';
import { CONSENT_FIELD, MEASUREMENT_FIELDS, type SensitiveScope } from './sensitive-types';
import type { FormStrings } from './strings';
import type { FormErrors, FormValues } from './types';

interface Common {
  errorPrefix: string;
  check?: InlineCheck;
  optionalText: string;
}

/** The answers each box covers: changing one re-checks the box, so "tick this to keep your answer" shows at once. */
const COVERS: Record<SensitiveScope, string | undefined> = { photos: undefined, children: '#field-hasKids', measurements: '#measurements' };

function ScopeBox({ scope, t, values, errors, common }: { scope: SensitiveScope; t: SensitiveStrings; values: FormValues; errors: FormErrors; common: Common }) {
  const name = CONSENT_FIELD[scope];
  const { heading, why, consent } = t.scopes[scope];
  return (
    <>
      <h3 class="sensitive-heading" safe>
        {heading}
      </h3>
      <Confirm {...common} name={name} label={consent} hint={why} checked={values.sensitiveConsents.includes(scope)} error={errors[name]} recheckOn={COVERS[scope]} />
    </>
  );
}

/** The block as the form page places it, after the date of birth and before the required consent. */
export function SensitiveFields({ s, values, errors, check }: { s: FormStrings; values: FormValues; errors: FormErrors; check?: InlineCheck }) {
  const t = sensitiveStrings(s.lang);
  const common: Common = { errorPrefix: 'Error: ', check, optionalText: s.optional };
  const box = { t, values, errors, common };
  return (
    <fieldset class="field group sensitive-block" id="sensitive-block" aria-describedby="sensitive-intro">
      <legend class="field-label" safe>
        {t.legend}
      </legend>
      <p class="hint" id="sensitive-intro" safe>
        {t.intro}
      </p>
      <ScopeBox scope="photos" {...box} />
      <ScopeBox scope="children" {...box} />
      <ChoiceGroup
        {...common}
        type="radio"
        name="hasKids"
        label={t.hasKids}
        options={[
          { value: 'yes', label: s.yes },
          { value: 'no', label: s.no },
          { value: '', label: t.preferNotToSay },
        ]}
        selected={[values.hasKids]}
        error={errors.hasKids}
        columns
      />
      <ScopeBox scope="measurements" {...box} />
      <p class="hint" id="hint-measurements" safe>
        {t.measurementsHint}
      </p>
      <div class="row measurements" id="measurements">
        {MEASUREMENT_FIELDS.map((field) => (
          <TextField {...common} name={field} label={t.measurements[field]} value={values.measurements[field]} error={errors[field]} maxlength={3} inputmode="numeric" autocomplete="off" />
        ))}
      </div>
    </fieldset>
  );
}
