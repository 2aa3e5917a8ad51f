/**
 * @module views/inbox/template-picker — the approved WhatsApp templates offered once the 24-hour window has closed:
 * one form per template, its body shown as the aspirant will read it with an input in each placeholder, prefilled
 * where we know the value (her first name) and required everywhere. Posts `templateRef` and `var.<name>` fields to
 * the reply endpoint, which checks them again (server/services/template-reply). Works without JavaScript.
 */
import { templateSegments } from '../../actors/conversation/template-text';
import type { Translator } from '../i18n';
import { CommandTokenField, CsrfField } from './csrf-field';
import type { TemplateView } from './types';

interface PickerProps {
  conversationId: number;
  csrf?: string;
  /** The composer's command token: each template's form carries it (views/inbox/csrf-field CommandTokenField). */
  commandToken?: string;
  templates: TemplateView[];
  i18n: Translator;
}

/** Approved templates, each its own form (so only its values are posted), the first one open. */
export function TemplatePicker({ conversationId, csrf, commandToken, templates, i18n }: PickerProps) {
  if (templates.length === 0) {
    return (
      <p class="muted" safe>
        {i18n.t('inbox.composer.noTemplates')}
      </p>
    );
  }
  return (
    <section class="template-picker" aria-label={i18n.t('inbox.composer.sendTemplate')}>
      {templates.map((template, index) => (
        <TemplateForm conversationId={conversationId} csrf={csrf} commandToken={commandToken} template={template} i18n={i18n} open={index === 0} />
      ))}
    </section>
  );
}

/**
 * An input for one variable. Its value sits in an attribute, escaped whole (kitajs escapes only `"` there, and the
 * browser would read an `&amp;` typed in a name as `&`).
 */
function VariableInput({ name, value, i18n }: { name: string; value: string; i18n: Translator }) {
  return (
    <input
      type="text"
      class="template-variable"
      name={`var.${name}`}
      value={Bun.escapeHTML(value)}
      size={String(Math.min(Math.max([...value].length, 8), 40))}
      required
      autocomplete="off"
      aria-label={i18n.t('inbox.composer.template.variable', { name })}
    />
  );
}

/** The body as she will read it: text as text, each placeholder's first occurrence an input, a repeat shown as `{{n}}`. */
function TemplateBody({ template, i18n }: { template: TemplateView; i18n: Translator }) {
  const values = new Map(template.variables.map((v) => [v.name, v.value]));
  const shown = new Set<string>();
  return (
    <p class="template-preview">
      {templateSegments(template.body).map((segment) => {
        if ('text' in segment) return <span safe>{segment.text}</span>;
        if (shown.has(segment.variable)) return <span class="template-repeat" safe>{`{{${segment.variable}}}`}</span>;
        shown.add(segment.variable);
        return <VariableInput name={segment.variable} value={values.get(segment.variable) ?? ''} i18n={i18n} />;
      })}
    </p>
  );
}

function TemplateForm({
  conversationId,
  csrf,
  commandToken,
  template,
  i18n,
  open,
}: {
  conversationId: number;
  csrf?: string;
  commandToken?: string;
  template: TemplateView;
  i18n: Translator;
  open: boolean;
}) {
  const action = `/inbox/${conversationId}/messages`;
  const inBody = new Set(templateSegments(template.body).flatMap((segment) => ('variable' in segment ? [segment.variable] : [])));
  // Variables the body does not show (a media URL's, a button's): asked for below it.
  const others = template.variables.filter((v) => !inBody.has(v.name));
  return (
    <details class="template-option" open={open}>
      <summary>
        <span class="template-name" safe>
          {template.name}
        </span>
        {template.language ? (
          <span class="template-language muted" safe>
            {template.language}
          </span>
        ) : (
          ''
        )}
      </summary>
      <form method="post" action={action} hx-post={action} hx-target={`#composer-${conversationId}`} hx-swap="outerHTML">
        <CsrfField csrf={csrf} />
        <CommandTokenField token={commandToken} />
        <input type="hidden" name="templateRef" value={Bun.escapeHTML(template.ref)} />
        <TemplateBody template={template} i18n={i18n} />
        {others.length > 0 ? (
          <fieldset class="template-more">
            <legend safe>{i18n.t('inbox.composer.template.moreValues')}</legend>
            {others.map((v) => (
              <VariableInput name={v.name} value={v.value} i18n={i18n} />
            ))}
          </fieldset>
        ) : (
          ''
        )}
        <button type="submit" safe>
          {i18n.t('inbox.composer.sendTemplateButton')}
        </button>
      </form>
    </details>
  );
}
