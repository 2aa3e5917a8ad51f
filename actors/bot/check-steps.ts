/** @module actors/bot/check-steps — validates what the bot does: timers, steps, their transitions and actions, FAQ entries. */
import { isMap, isScalar } from 'yaml';
import { type Checker, type Slot } from './checker';
import { checkCondition, checkKeywords, checkName, type WordsContext } from './check-messages';
import { BOT_STATUSES, type FaqEntry, HANDOFF_STATUSES, SCRIPT_EVENTS, type ScriptAction, type ScriptEvent, type Step, type Transition } from './script-types';
import { didYouMean, parseDuration } from './text';
import { regexProblem } from './regex';

export interface StepsContext extends WordsContext {
  /** Names as written in the script, including ones with problems, so one typo is reported once; null when the section itself is broken. */
  messages: Set<string> | null;
  steps: Set<string> | null;
  timerNames: Set<string>;
  /** Delays of the timers whose duration is valid. */
  timers: Record<string, number>;
}

const ACTION_KEYS = ['send', 'remind', 'status', 'schedule', 'cancel', 'handoff', 'stop'] as const;
const TRANSITION_KEYS = ['if', 'actions', 'goto', 'keywords', 'regex', 'media', 'alsoAnswerFaq', 'timer'] as const;
const INBOUND_ONLY = ['keywords', 'regex', 'media', 'alsoAnswerFaq'];
const DURATION_HINT = 'use a whole number followed by m, h or d, e.g. 30m, 4h, 1d';

function reference(checker: Checker, slot: Slot, known: Iterable<string> | null, what: string): string | undefined {
  const name = checker.string(slot, `a ${what} name`);
  if (name === undefined || known === null) return name;
  const names = [...known];
  if (names.includes(name)) return name;
  checker.report(slot, `unknown ${what} '${name}'${didYouMean(name, names)}`);
  return undefined;
}

function duration(checker: Checker, slot: Slot): number | undefined {
  const text = isScalar(slot.node) ? String(slot.node.value) : undefined;
  const ms = text === undefined ? null : parseDuration(text);
  if (ms === null) checker.report(slot, `bad duration '${text ?? ''}': ${DURATION_HINT} (at most 90 days)`);
  return ms ?? undefined;
}

export function checkTimers(checker: Checker, slot: Slot): Record<string, number> {
  const timers: Record<string, number> = {};
  for (const entry of checker.entries(slot) ?? []) {
    if (!checkName(checker, entry, entry.key, 'timer')) continue;
    if (entry.key === 'all') checker.report(entry, "'all' is reserved: `cancel: all` cancels every timer");
    const ms = duration(checker, entry);
    if (ms !== undefined) timers[entry.key] = ms;
  }
  return timers;
}

function checkSchedule(ctx: StepsContext, slot: Slot): ScriptAction | undefined {
  if (!isMap(slot.node)) {
    const timer = reference(ctx.checker, slot, ctx.timerNames, 'timer');
    const afterMs = timer === undefined ? undefined : ctx.timers[timer];
    return timer === undefined || afterMs === undefined ? undefined : { type: 'schedule', timer, afterMs };
  }
  const fields = ctx.checker.fields(slot, ['timer', 'after'], ['timer']);
  const timerSlot = fields?.get('timer');
  const timer = timerSlot && reference(ctx.checker, timerSlot, ctx.timerNames, 'timer');
  const afterSlot = fields?.get('after');
  const afterMs = afterSlot ? duration(ctx.checker, afterSlot) : timer === undefined ? undefined : ctx.timers[timer];
  return timer === undefined || afterMs === undefined ? undefined : { type: 'schedule', timer, afterMs };
}

function checkCancel(ctx: StepsContext, slot: Slot): ScriptAction[] {
  if (isScalar(slot.node) && slot.node.value === 'all') return [{ type: 'cancel', timer: '*' }];
  return ctx.checker.oneOrMany(slot).flatMap((item) => {
    const timer = reference(ctx.checker, item, ctx.timerNames, 'timer');
    return timer === undefined ? [] : [{ type: 'cancel', timer } as const];
  });
}

function checkActionValue(ctx: StepsContext, key: (typeof ACTION_KEYS)[number], slot: Slot): ScriptAction[] {
  const { checker } = ctx;
  const one = (action: ScriptAction | undefined): ScriptAction[] => (action ? [action] : []);
  switch (key) {
    case 'send':
    case 'remind': {
      const message = reference(checker, slot, ctx.messages, 'message');
      return one(message === undefined ? undefined : { type: key, message });
    }
    case 'status': {
      const status = checker.oneOf(slot, BOT_STATUSES, 'status');
      return one(status && { type: 'status', status });
    }
    case 'handoff': {
      const status = checker.oneOf(slot, HANDOFF_STATUSES, 'hand-off status');
      return one(status && { type: 'handoff', status });
    }
    case 'schedule':
      return one(checkSchedule(ctx, slot));
    case 'cancel':
      return checkCancel(ctx, slot);
    case 'stop':
      if (checker.boolean(slot) === false) checker.report(slot, "leave the action out rather than writing 'stop: false'");
      return [{ type: 'stop' }];
  }
}

/** One action: `stop`, or a mapping with exactly one of the action keys. */
function checkAction(ctx: StepsContext, slot: Slot): ScriptAction[] {
  if (isScalar(slot.node) && slot.node.value === 'stop') return [{ type: 'stop' }];
  const entries = ctx.checker.entries(slot, ACTION_KEYS);
  if (entries === null) return [];
  if (entries.length !== 1) {
    if (entries.length > 1) ctx.checker.report(slot, `one action per list item: write '- ${entries.map((entry) => entry.key).join("' and '- ")}' as separate items`);
    else if (isMap(slot.node) && slot.node.items.length === 0) ctx.checker.report(slot, `an action needs one of: ${ACTION_KEYS.join(', ')}`);
    return [];
  }
  const entry = entries[0] as (typeof entries)[number];
  return checkActionValue(ctx, entry.key as (typeof ACTION_KEYS)[number], entry);
}

function checkActions(ctx: StepsContext, slot: Slot): ScriptAction[] {
  const items = ctx.checker.items(slot) ?? [];
  const actions: ScriptAction[] = [];
  items.forEach((item, index) => {
    const parsed = checkAction(ctx, item);
    if (parsed.some((action) => action.type === 'stop') && index < items.length - 1) ctx.checker.report(item, "'stop' must be the last action: nothing after it runs");
    actions.push(...parsed);
  });
  return actions;
}

function checkRegex(checker: Checker, slot: Slot): string | undefined {
  const source = checker.string(slot, 'a regular expression');
  if (source === undefined) return undefined;
  const problem = regexProblem(source);
  if (problem === undefined) return source;
  checker.report(slot, `invalid regex: ${problem}`);
  return undefined;
}

function checkTransitionFilters(ctx: StepsContext, fields: Map<string, Slot>, transition: Transition): void {
  const { checker } = ctx;
  const keywords = fields.get('keywords');
  const regex = fields.get('regex');
  if (keywords && regex) checker.report(regex, "use 'keywords' or 'regex', not both");
  if (keywords) transition.keywords = checkKeywords(ctx, keywords);
  if (regex) transition.regex = checkRegex(checker, regex);
  const media = fields.get('media');
  if (media) transition.media = checker.boolean(media);
  const alsoAnswerFaq = fields.get('alsoAnswerFaq');
  if (alsoAnswerFaq) transition.alsoAnswerFaq = checker.boolean(alsoAnswerFaq);
  const timer = fields.get('timer');
  if (timer) transition.timer = reference(checker, timer, ctx.timerNames, 'timer');
}

function checkTransition(ctx: StepsContext, event: ScriptEvent, slot: Slot): Transition | undefined {
  const { checker } = ctx;
  const fields = checker.fields(slot, TRANSITION_KEYS, [], (key) =>
    (ACTION_KEYS as readonly string[]).includes(key) ? `'${key}' is an action: list it under 'actions:' (actions: [{ ${key}: … }])` : undefined,
  );
  if (fields === null) return undefined;
  for (const [key, entry] of fields) {
    if (INBOUND_ONLY.includes(key) && event !== 'inbound.received') checker.report(entry, `'${key}' only applies to inbound.received`);
    if (key === 'timer' && event !== 'timer.fired') checker.report(entry, "'timer' only applies to timer.fired");
  }
  if (!fields.has('actions') && !fields.has('goto')) checker.report(slot, "a transition needs 'actions', 'goto' or both");
  const actionsSlot = fields.get('actions');
  const transition: Transition = { actions: actionsSlot ? checkActions(ctx, actionsSlot) : [] };
  checkTransitionFilters(ctx, fields, transition);
  const condition = fields.get('if');
  if (condition) transition.if = checkCondition(checker, condition);
  const goto = fields.get('goto');
  if (goto) transition.goto = reference(checker, goto, ctx.steps, 'step');
  return transition;
}

function checkStep(ctx: StepsContext, slot: Slot): Step | undefined {
  // A bare `name:` is a step where nothing happens but FAQ answers, e.g. after a hand-off.
  if (slot.node === null) return { faq: true, on: {} };
  const fields = ctx.checker.fields(slot, ['on', 'faq', 'description']);
  if (fields === null) return undefined;
  const faqSlot = fields.get('faq');
  const step: Step = { faq: (faqSlot && ctx.checker.boolean(faqSlot)) ?? true, on: {} };
  const description = fields.get('description');
  if (description) ctx.checker.string(description, 'a description');
  const on = fields.get('on');
  for (const entry of on ? (ctx.checker.entries(on, SCRIPT_EVENTS) ?? []) : []) {
    const event = entry.key as ScriptEvent;
    const transitions = isMap(entry.node) ? [entry] : (ctx.checker.items(entry) ?? []);
    step.on[event] = transitions.flatMap((item) => checkTransition(ctx, event, item) ?? []);
  }
  return step;
}

export function checkSteps(ctx: StepsContext, slot: Slot): Record<string, Step> {
  const steps: Record<string, Step> = {};
  const entries = ctx.checker.entries(slot) ?? [];
  if (isMap(slot.node) && entries.length === 0) ctx.checker.report(slot, 'a script needs at least one step');
  for (const entry of entries) {
    if (!checkName(ctx.checker, entry, entry.key, 'step')) continue;
    const step = checkStep(ctx, entry);
    if (step) steps[entry.key] = step;
  }
  return steps;
}

export function checkFaq(ctx: StepsContext, slot: Slot): FaqEntry[] {
  const faq: FaqEntry[] = [];
  for (const entry of ctx.checker.entries(slot) ?? []) {
    if (!checkName(ctx.checker, entry, entry.key, 'FAQ entry')) continue;
    const fields = ctx.checker.fields(entry, ['keywords', 'answer'], ['keywords', 'answer']);
    const keywordsSlot = fields?.get('keywords');
    const answerSlot = fields?.get('answer');
    const keywords = keywordsSlot?.node ? checkKeywords(ctx, keywordsSlot) : undefined;
    const answer = answerSlot?.node ? reference(ctx.checker, answerSlot, ctx.messages, 'message') : undefined;
    if (keywords && answer) faq.push({ id: entry.key, keywords, answer });
  }
  return faq;
}
