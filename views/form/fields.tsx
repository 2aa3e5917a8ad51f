/** @module views/form/fields — accessible form fields: label, hint, an error tied to the input, inline validation. */
import { attr } from './shell';

/** htmx attributes for a field's inline check: the server answers with the error text for #err-<name>. */
export interface InlineCheck {
  /** `/f/<token>/validate` — the field name is added as ?field=. */
  url: string;
}

export function inline(check: InlineCheck | undefined, name: string): Record<string, string> {
  if (!check) return {};
  return {
    'hx-post': attr(`${check.url}?field=${encodeURIComponent(name)}`),
    'hx-trigger': 'change',
    'hx-target': `#err-${name}`,
    'hx-swap': 'innerHTML',
  };
}

/** Always present (empty when fine) so aria-describedby and the live region exist before the first error. */
export function FieldError({ name, message, prefix }: { name: string; message?: string; prefix: string }) {
  return (
    <p class="field-error" id={`err-${name}`} aria-live="polite">
      {message ? (
        <>
          <span class="visually-hidden" safe>
            {prefix}
          </span>
          <span safe>{message}</span>
        </>
      ) : (
        ''
      )}
    </p>
  );
}

/** The body the inline check swaps into #err-<name>: the same markup FieldError renders inside. */
export function FieldErrorText({ message, prefix }: { message?: string; prefix: string }) {
  return message ? (
    <>
      <span class="visually-hidden" safe>
        {prefix}
      </span>
      <span safe>{message}</span>
    </>
  ) : (
    ''
  );
}

interface Common {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  errorPrefix: string;
  required?: boolean;
  optionalText?: string;
  check?: InlineCheck;
}

function Label({ name, label, required, optionalText }: Pick<Common, 'name' | 'label' | 'required' | 'optionalText'>) {
  return (
    <label for={name} class="field-label">
      <span safe>{label}</span>
      {required ? (
        <span class="req" aria-hidden="true">
          {' '}
          *
        </span>
      ) : optionalText ? (
        <span class="opt" safe>{` ${optionalText}`}</span>
      ) : (
        ''
      )}
    </label>
  );
}

function describedBy(name: string, hint?: string): string {
  return hint ? `hint-${name} err-${name}` : `err-${name}`;
}

export interface TextFieldProps extends Common {
  value: string;
  type?: 'text' | 'email';
  maxlength: number;
  autocomplete?: string;
  inputmode?: string;
  multiline?: boolean;
}

export function TextField(props: TextFieldProps) {
  const { name, hint, error, value, check } = props;
  const shared = {
    id: name,
    name,
    maxlength: String(props.maxlength),
    'aria-describedby': describedBy(name, hint),
    'aria-invalid': error ? 'true' : undefined,
    required: props.required,
    autocomplete: props.autocomplete,
    ...inline(check, name),
  };
  return (
    <div class={error ? 'field has-error' : 'field'} id={`field-${name}`}>
      <Label {...props} />
      {hint ? (
        <p class="hint" id={`hint-${name}`} safe>
          {hint}
        </p>
      ) : (
        ''
      )}
      <FieldError name={name} message={error} prefix={props.errorPrefix} />
      {props.multiline ? (
        <textarea {...shared} rows="4" safe>
          {value}
        </textarea>
      ) : (
        <input {...shared} type={props.type ?? 'text'} inputmode={props.inputmode} value={attr(value)} spellcheck={props.type === 'email' ? 'false' : undefined} />
      )}
    </div>
  );
}

export interface ChoiceGroupProps extends Common {
  type: 'checkbox' | 'radio';
  options: { value: string; label: string }[];
  selected: string[];
  /** Lay the options out in two columns on wide enough screens. */
  columns?: boolean;
}

/** A fieldset of checkboxes or radios; the legend names it and the error sits under the legend. */
export function ChoiceGroup(props: ChoiceGroupProps) {
  const { name, hint, error, options, selected, check } = props;
  return (
    <fieldset
      class={error ? 'field group has-error' : 'field group'}
      id={`field-${name}`}
      aria-describedby={describedBy(name, hint)}
      aria-invalid={error ? 'true' : undefined}
      {...inline(check, name)}
    >
      <legend class="field-label">
        <span safe>{props.label}</span>
        {props.required ? (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : props.optionalText ? (
          <span class="opt" safe>{` ${props.optionalText}`}</span>
        ) : (
          ''
        )}
      </legend>
      {hint ? (
        <p class="hint" id={`hint-${name}`} safe>
          {hint}
        </p>
      ) : (
        ''
      )}
      <FieldError name={name} message={error} prefix={props.errorPrefix} />
      <div class={props.columns ? 'choices columns' : 'choices'}>
        {options.map((option, index) => (
          <label class="choice" for={`${name}-${option.value}`}>
            <input
              type={props.type}
              id={`${name}-${option.value}`}
              name={name}
              value={attr(option.value)}
              checked={selected.includes(option.value)}
              required={props.required && props.type === 'radio' && index === 0}
            />
            <span safe>{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export interface ConfirmProps extends Common {
  checked: boolean;
  /** Rendered markup after the hint (the privacy link): built by the caller with its own escaping. */
  children?: JSX.Element;
  /** A CSS selector whose changes also re-check this box (the answer a sensitive-data box covers). */
  recheckOn?: string;
}

/** One checkbox (the required consent, or an optional sensitive-data authorisation): the label is the statement itself. */
export function Confirm(props: ConfirmProps) {
  const { name, hint, error, check } = props;
  const htmx = inline(check, name);
  if (check && props.recheckOn) htmx['hx-trigger'] = `change, change from:${props.recheckOn}`;
  return (
    <div class={error ? 'field confirm has-error' : 'field confirm'} id={`field-${name}`} {...htmx}>
      <FieldError name={name} message={error} prefix={props.errorPrefix} />
      <label class="choice confirm-choice" for={name}>
        <input
          type="checkbox"
          id={name}
          name={name}
          value="yes"
          checked={props.checked}
          required={props.required}
          aria-describedby={describedBy(name, hint)}
          aria-invalid={error ? 'true' : undefined}
        />
        <span safe>{props.label}</span>
      </label>
      {hint || props.children ? (
        <p class="hint" id={`hint-${name}`}>
          {hint ? <span safe>{hint}</span> : ''} {props.children as 'safe'}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}
