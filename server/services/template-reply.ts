/**
 * @module server/services/template-reply — a template as the composer offers it to one aspirant (its variables
 * prefilled: her first name where the template greets her) and as the reply route accepts it back: an offered ref,
 * every variable with a value, each value within WhatsApp's limit. Pure; the route reads the offered list
 * (server/services/templates approvedTemplates) and the aspirant.
 */
import { charCount } from '../../actors/conversation/body-limit';
import { fillTemplate, FIRST_NAME_VARIABLES } from '../../actors/conversation/template-text';
import type { Translator } from '../../views/i18n';
import type { TemplateView } from '../../views/inbox/types';
import type { OfferedTemplate } from './templates';

/**
 * At most 1,024 characters per variable: Meta's limit for a body parameter's text when the template has other
 * components (32,768 for a body alone) — the stricter one, as we do not know a template's components (Meta's Cloud
 * API reference, Messages: the parameter object's `text`). Twilio passes ContentVariables on to Meta.
 */
export const MAX_TEMPLATE_VARIABLE_CHARS = 1024;

/** The form field of a template variable (`var.1`, `var.first_name`): the reply route reads these. */
export const VARIABLE_FIELD_PREFIX = 'var.';

/** What a refused template reply had: its ref and the values typed, offered again as typed. */
export interface TypedTemplate {
  ref: string;
  values: Record<string, string>;
}

/** The offered templates as the composer shows them to her: `{{1}}` (or `{{first_name}}`, `{{name}}`) filled with `firstName`, the rest empty. */
export function templateViews(offered: readonly OfferedTemplate[], firstName: string, typed?: TypedTemplate): TemplateView[] {
  return offered.map((template) => ({
    ref: template.ref,
    name: template.name,
    language: template.language,
    body: template.body,
    variables: template.variables.map((name) => ({
      name,
      // What she typed before a refusal wins over the prefill.
      // Own properties only: a variable named `constructor` must not find Object's.
      value: typed?.ref === template.ref ? (Object.hasOwn(typed.values, name) ? typed.values[name]! : '') : FIRST_NAME_VARIABLES.includes(name) ? firstName : '',
    })),
  }));
}

/**
 * A value as WhatsApp takes it: Meta refuses a parameter with a line break, a tab or more than four spaces in a row
 * ("Param text cannot have new-line/tab characters or more than 4 consecutive spaces"), so every run of white space
 * or control characters becomes one space; lone surrogates (not UTF-8) are replaced; trimmed.
 */
export function cleanVariable(value: string): string {
  return value
    .toWellFormed()
    .replace(/[\s\u0000-\u001f\u007f]+/g, ' ')
    .trim();
}

/** Why a template reply is refused: its ref is not offered, or a variable is empty or too long. */
export type TemplateRefusal = { code: 'UNKNOWN_TEMPLATE' } | { code: 'MISSING_VARIABLE'; variable: string } | { code: 'VARIABLE_TOO_LONG'; variable: string; count: number };

/** Why a template reply was refused, in the recruiter's language (`{{1}}` names the variable as the template writes it). */
export function templateRefusal(refused: TemplateRefusal, i18n: Translator): string {
  if (refused.code === 'UNKNOWN_TEMPLATE') return i18n.t('inbox.composer.template.unknown');
  const name = `{{${refused.variable}}}`;
  if (refused.code === 'MISSING_VARIABLE') return i18n.t('inbox.composer.template.missing', { name });
  return i18n.t('inbox.composer.template.tooLong', { name, count: i18n.number(refused.count), max: i18n.number(MAX_TEMPLATE_VARIABLE_CHARS) });
}

export type TemplateReplyCheck = { ok: true; template: OfferedTemplate; variables: Record<string, string>; text: string } | ({ ok: false } & TemplateRefusal);

/**
 * Checks a posted template reply against what is offered: `ref` must be one of `offered`, and every variable of the
 * template needs a value (cleaned as `cleanVariable`, at most MAX_TEMPLATE_VARIABLE_CHARS characters). Variables the
 * template does not have are ignored. On success: the values to send, and the text the chat shows (the body filled).
 */
export function checkTemplateReply(offered: readonly OfferedTemplate[], ref: string, posted: Readonly<Record<string, string>>): TemplateReplyCheck {
  const template = offered.find((t) => t.ref === ref);
  if (!template) return { ok: false, code: 'UNKNOWN_TEMPLATE' };
  const values = new Map<string, string>();
  for (const name of template.variables) {
    const value = cleanVariable(Object.hasOwn(posted, name) ? posted[name]! : '');
    if (value === '') return { ok: false, code: 'MISSING_VARIABLE', variable: name };
    const count = charCount(value);
    if (count > MAX_TEMPLATE_VARIABLE_CHARS) return { ok: false, code: 'VARIABLE_TOO_LONG', variable: name, count };
    values.set(name, value);
  }
  // Own data properties (Object.fromEntries defines them): a variable named `__proto__` is kept like any other, and
  // the object is an ordinary one for whatever carries it on (the actor's event, the outbox row's JSON).
  const variables: Record<string, string> = Object.fromEntries(values);
  return { ok: true, template, variables, text: fillTemplate(template.body, variables).trim() || template.name };
}

/** The posted `var.<name>` fields as `{ name: value }`; a field repeated takes its first value. */
export function postedVariables(body: Readonly<Record<string, unknown>>): Record<string, string> {
  const values: Record<string, string> = Object.create(null);
  for (const [field, value] of Object.entries(body)) {
    if (!field.startsWith(VARIABLE_FIELD_PREFIX)) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') values[field.slice(VARIABLE_FIELD_PREFIX.length)] = first;
  }
  return values;
}
