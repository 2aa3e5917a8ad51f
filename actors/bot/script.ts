/** @module actors/bot/script — parses and validates a bot script written in YAML; every problem names its path and line. */
import { isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { LOCALES, type Locale } from '../vocabulary';
import { Checker, type Entry, type Slot } from './checker';
import { checkLocaleTexts, checkMessages, checkVariables, type WordsContext } from './check-messages';
import { checkFaq, checkSteps, checkTimers, type StepsContext } from './check-steps';
import { checkPrivacy, privacyAnswers } from './check-privacy';
import { BUILTIN_VARIABLES, DEPLOYMENT_VARIABLES, PRIVACY_VARIABLES, type BotScript, DEFAULT_MAX_REMINDERS, DEFAULT_NAME_FALLBACK, type ScriptProblem } from './script-types';
import { didYouMean } from './text';

export type { BotScript, Condition, FaqEntry, Keywords, MessageVariant, PrivacyEntry, ScriptAction, ScriptProblem, Step, Transition } from './script-types';
export type { Locale } from '../vocabulary';

/** The default intake script shipped with Wasap (reading it is the caller's job). */
export const DEFAULT_SCRIPT_URL = new URL('./scripts/intake.yaml', import.meta.url);

const TOP_KEYS = ['name', 'description', 'locales', 'defaultLocale', 'variables', 'nameFallback', 'maxReminders', 'timers', 'messages', 'faq', 'privacy', 'start', 'steps'];
const REQUIRED = ['name', 'locales', 'messages', 'start', 'steps'];

export type ParseResult = { ok: true; script: BotScript; checksum?: never } | { ok: false; problems: ScriptProblem[] };

function syntaxProblems(errors: ReturnType<typeof parseDocument>['errors']): ScriptProblem[] {
  return errors.map((error) => {
    const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    const position = error.linePos?.[0];
    return position ? { path: '(yaml)', line: position.line, column: position.col, message } : { path: '(yaml)', message };
  });
}

function checkLocales(checker: Checker, slot: Slot | undefined): Locale[] {
  if (!slot?.node) return [];
  const locales: Locale[] = [];
  const items = checker.items(slot);
  if (items?.length === 0) checker.report(slot, 'list at least one locale, e.g. [es, en]');
  for (const item of items ?? []) {
    const locale = checker.oneOf(item, LOCALES, 'locale');
    if (locale && locales.includes(locale)) checker.report(item, `locale '${locale}' is listed twice`);
    else if (locale) locales.push(locale);
  }
  return locales;
}

function checkDefaultLocale(checker: Checker, slot: Slot | undefined, locales: Locale[]): Locale {
  const fallback = locales[0] ?? 'es';
  if (!slot) return fallback;
  const locale = checker.oneOf(slot, LOCALES, 'locale');
  if (locale && !locales.includes(locale)) checker.report(slot, `default locale '${locale}' is not in locales (${locales.join(', ')})`);
  return locale ?? fallback;
}

function checkMaxReminders(checker: Checker, slot: Slot | undefined): number {
  if (!slot) return DEFAULT_MAX_REMINDERS;
  const value = slot.node && 'value' in slot.node ? slot.node.value : undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10) return value;
  checker.report(slot, 'maxReminders must be a whole number from 0 to 10');
  return DEFAULT_MAX_REMINDERS;
}

function checkNameFallback(ctx: WordsContext, slot: Slot | undefined): Record<Locale, string> {
  if (!slot) return { ...DEFAULT_NAME_FALLBACK };
  const fields = ctx.checker.fields(slot, LOCALES) ?? new Map<string, Entry>();
  const given = checkLocaleTexts(ctx, slot, fields, (entry) => ctx.checker.string(entry)?.trim());
  return { ...DEFAULT_NAME_FALLBACK, ...given };
}

function checkStart(checker: Checker, slot: Slot | undefined, steps: Set<string> | null): string {
  const start = slot?.node ? checker.string(slot, 'a step name') : undefined;
  if (slot && start !== undefined && steps && !steps.has(start)) checker.report(slot, `unknown step '${start}'${didYouMean(start, steps)}`);
  return start ?? '';
}

function namesIn(slot: Slot | undefined): Set<string> | null {
  if (!isMap(slot?.node)) return null;
  return new Set(slot.node.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : [])));
}

function checkScript(checker: Checker, fields: Map<string, Entry>): BotScript {
  const get = (key: string): Entry | undefined => fields.get(key);
  const name = get('name')?.node ? checker.string(get('name') as Entry, 'the script name') : undefined;
  const description = get('description') && checker.string(get('description') as Entry, 'a description');
  const locales = checkLocales(checker, get('locales'));
  const defaultLocale = checkDefaultLocale(checker, get('defaultLocale'), locales);
  const variablesSlot = get('variables');
  const variables = variablesSlot ? checkVariables(checker, variablesSlot) : {};
  const words: WordsContext = { checker, locales, variables: new Set([...BUILTIN_VARIABLES, ...DEPLOYMENT_VARIABLES, ...Object.keys(variables)]) };
  const nameFallback = checkNameFallback(words, get('nameFallback'));
  const maxReminders = checkMaxReminders(checker, get('maxReminders'));
  const timersSlot = get('timers');
  const timers = timersSlot ? checkTimers(checker, timersSlot) : {};
  const messagesSlot = get('messages');
  const privacySlot = get('privacy');
  const answers = { names: privacyAnswers(privacySlot), variables: new Set([...words.variables, ...PRIVACY_VARIABLES]) };
  const messages = messagesSlot?.node ? checkMessages(words, messagesSlot, answers) : {};
  // Names as written, so a reference to a message or step that has its own problem is not reported twice.
  const ctx: StepsContext = { ...words, messages: namesIn(messagesSlot), steps: namesIn(get('steps')), timerNames: namesIn(timersSlot) ?? new Set(), timers };
  const faqSlot = get('faq');
  const faq = faqSlot ? checkFaq(ctx, faqSlot) : [];
  const privacy = privacySlot?.node ? checkPrivacy(ctx, privacySlot) : [];
  const stepsSlot = get('steps');
  const steps = stepsSlot?.node ? checkSteps(ctx, stepsSlot) : {};
  const start = checkStart(checker, get('start'), ctx.steps);
  const script: BotScript = { name: name?.trim() ?? '', locales, defaultLocale, variables, nameFallback, maxReminders, timers, messages, faq, start, steps };
  if (description !== undefined) script.description = description.trim();
  if (privacy.length > 0) script.privacy = privacy;
  return script;
}

/**
 * YAML anchors and aliases (`&name`, `*name`) are refused: a script is short text a person writes, and each alias is
 * resolved by a walk of the whole document, so a few thousand of them cost seconds of the server's only thread.
 */
function firstAlias(doc: ReturnType<typeof parseDocument>, lines: LineCounter): ScriptProblem | undefined {
  let found: ScriptProblem | undefined;
  visit(doc, {
    Alias(_key, node) {
      const at = node.range ? lines.linePos(node.range[0]) : undefined;
      found = { path: '(yaml)', line: at?.line, column: at?.col, message: `YAML aliases (*${node.source}) are not allowed in a script: write the value out` };
      return visit.BREAK;
    },
  });
  return found;
}

function byPosition(a: ScriptProblem, b: ScriptProblem): number {
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0);
}

export function parseScript(yamlText: string): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines });
  if (doc.errors.length > 0) return { ok: false, problems: syntaxProblems(doc.errors) };
  const alias = firstAlias(doc, lines);
  if (alias) return { ok: false, problems: [alias] };
  const checker = new Checker(doc, lines);
  const root: Slot = checker.slot('', doc.contents, null);
  const fields = checker.fields(root, TOP_KEYS, REQUIRED);
  const script = fields && checkScript(checker, fields);
  if (script && checker.problems.length === 0) return { ok: true, script };
  return { ok: false, problems: [...checker.problems].sort(byPosition) };
}

/** One line per problem: `intake.yaml:12:7 steps.x.on.timer.fired[0].actions[1].send: unknown message 'welcom' (did you mean 'welcome'?)`. */
export function formatProblems(problems: ScriptProblem[], fileName?: string): string {
  return problems
    .map((problem) => {
      const position = problem.line === undefined ? '' : `${problem.line}:${problem.column ?? 1}`;
      const where = [fileName, position].filter(Boolean).join(':');
      return `${where ? `${where} ` : ''}${problem.path}: ${problem.message}`;
    })
    .join('\n');
}
