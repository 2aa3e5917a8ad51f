/** @module actors/bot/check-messages — validates the parts of a script that hold words: variables, messages and their variants, conditions, keywords. */
import { isMap, isSeq } from 'yaml';
import { LOCALES, SHIFTS, type Locale } from '../vocabulary';
import type { Checker, Slot } from './checker';
import { BUILTIN_VARIABLES, type Condition, type Keywords, type MessageVariant } from './script-types';
import { didYouMean, variablesIn, words } from './text';

/** Names of steps, messages, timers and FAQ entries. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface WordsContext {
  checker: Checker;
  locales: Locale[];
  /** Every variable a message may use: the built-ins and the script's own. */
  variables: Set<string>;
}

export function checkName(checker: Checker, slot: Slot, name: string, what: string): boolean {
  if (NAME_PATTERN.test(name)) return true;
  checker.report(slot, `${what} name '${name}' must start with a letter and use only letters, digits, '_' and '-'`);
  return false;
}

export function checkVariables(checker: Checker, slot: Slot): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of checker.entries(slot) ?? []) {
    if (!VARIABLE_NAME.test(entry.key)) checker.report(entry, `variable name '${entry.key}' must use only letters, digits and '_'`);
    else if ((BUILTIN_VARIABLES as readonly string[]).includes(entry.key)) checker.report(entry, `'${entry.key}' comes from the aspirant and cannot be set here`);
    else {
      const value = checker.string(entry);
      if (value !== undefined) result[entry.key] = value.trim();
    }
  }
  return result;
}

/** Text for every declared locale; a known but undeclared locale is a problem too, so copy never silently goes unused. */
export function checkLocaleTexts<T>(ctx: WordsContext, slot: Slot, entries: Map<string, Slot>, read: (entry: Slot) => T | undefined, what = 'text'): Partial<Record<Locale, T>> {
  const result: Partial<Record<Locale, T>> = {};
  for (const locale of LOCALES) {
    const entry = entries.get(locale);
    if (entry && !ctx.locales.includes(locale)) ctx.checker.report(entry, `locale '${locale}' is not in the script's locales (${ctx.locales.join(', ')})`);
    else if (entry) {
      const value = read(entry);
      if (value !== undefined) result[locale] = value;
    } else if (ctx.locales.includes(locale)) ctx.checker.missing(slot, locale, `missing '${locale}' ${what}`);
  }
  return result;
}

function checkText(ctx: WordsContext, slot: Slot): string | undefined {
  const text = ctx.checker.string(slot, 'the message text');
  if (text === undefined) return undefined;
  for (const name of variablesIn(text)) {
    if (!ctx.variables.has(name)) ctx.checker.report(slot, `unknown variable '{${name}}'${didYouMean(name, ctx.variables)}; known: ${[...ctx.variables].join(', ')}`);
  }
  return text.trim();
}

export function checkCondition(checker: Checker, slot: Slot): Condition | undefined {
  const fields = checker.fields(slot, ['hasKids', 'formSubmitted', 'minor', 'guardianAuthorised', 'photosAuthorised', 'locale', 'preferredShift']);
  if (fields === null) return undefined;
  if (isMap(slot.node) && slot.node.items.length === 0) checker.report(slot, 'a condition needs at least one fact, e.g. hasKids: true');
  const condition: Condition = {};
  for (const [key, entry] of fields) {
    if (key === 'hasKids' || key === 'formSubmitted' || key === 'minor' || key === 'guardianAuthorised' || key === 'photosAuthorised') {
      const value = checker.boolean(entry);
      if (value !== undefined) condition[key] = value;
    } else if (key === 'locale') {
      condition.locale = checker.oneOrMany(entry).flatMap((item) => checker.oneOf(item, LOCALES, 'locale') ?? []);
    } else {
      condition.preferredShift = checker.oneOrMany(entry).flatMap((item) => checker.oneOf(item, SHIFTS, 'shift') ?? []);
    }
  }
  return condition;
}

function checkVariant(ctx: WordsContext, slot: Slot, conditional: boolean): MessageVariant | undefined {
  const fields = ctx.checker.fields(slot, conditional ? [...LOCALES, 'if'] : LOCALES);
  if (fields === null) return undefined;
  const text = checkLocaleTexts(ctx, slot, fields, (entry) => checkText(ctx, entry));
  const condition = fields.get('if');
  if (!condition) return { text };
  const parsed = checkCondition(ctx.checker, condition);
  return parsed ? { if: parsed, text } : { text };
}

/** A message is a mapping of locale → text, or a list of variants (`if:` + texts) of which the last has no condition. */
function checkMessage(ctx: WordsContext, slot: Slot): MessageVariant[] | undefined {
  if (isMap(slot.node)) {
    const variant = checkVariant(ctx, slot, false);
    return variant && [variant];
  }
  if (!isSeq(slot.node)) {
    ctx.checker.report(slot, 'expected the message texts (es: …, en: …) or a list of variants');
    return undefined;
  }
  const asList = ctx.checker.items(slot) ?? [];
  if (asList.length === 0) ctx.checker.report(slot, 'a message needs at least one variant');
  const variants = asList.map((item) => checkVariant(ctx, item, true));
  asList.forEach((item, index) => {
    const variant = variants[index];
    const last = index === asList.length - 1;
    if (variant?.if && last) ctx.checker.report(item, "the last variant must have no 'if': it is sent when no condition holds");
    if (variant && !variant.if && !last) ctx.checker.report(item, "only the last variant may leave out 'if': the variants after this one would never be sent");
  });
  return variants.every((variant) => variant !== undefined) ? variants : undefined;
}

/** `privacy`: the messages that answer a `privacy` entry, which may also use `variables` (the privacy variables). */
export function checkMessages(ctx: WordsContext, slot: Slot, privacy?: { names: Set<string>; variables: Set<string> }): Record<string, MessageVariant[]> {
  const result: Record<string, MessageVariant[]> = {};
  const entries = ctx.checker.entries(slot) ?? [];
  if (isMap(slot.node) && entries.length === 0) ctx.checker.report(slot, 'a script needs at least one message');
  for (const entry of entries) {
    if (!checkName(ctx.checker, entry, entry.key, 'message')) continue;
    const own = privacy?.names.has(entry.key) ? { ...ctx, variables: privacy.variables } : ctx;
    const message = checkMessage(own, entry);
    if (message) result[entry.key] = message;
  }
  return result;
}

function checkKeywordList(checker: Checker, slot: Slot): string[] {
  const items = checker.items(slot) ?? [];
  if (slot.node && items.length === 0) checker.report(slot, 'the keyword list is empty');
  return items.flatMap((item) => {
    const keyword = checker.string(item, 'a keyword');
    if (keyword === undefined) return [];
    if (words(keyword).length > 0) return [keyword.trim()];
    checker.report(item, `keyword '${keyword}' has no letters or digits to match`);
    return [];
  });
}

/** A list (any language) or a mapping of locale → list. */
export function checkKeywords(ctx: WordsContext, slot: Slot): Keywords | undefined {
  if (!isMap(slot.node)) {
    const list = checkKeywordList(ctx.checker, slot);
    return list.length > 0 ? { '*': list } : undefined;
  }
  const fields = ctx.checker.fields(slot, LOCALES);
  if (fields === null) return undefined;
  return checkLocaleTexts(ctx, slot, fields, (entry) => checkKeywordList(ctx.checker, entry), 'keywords');
}
