/** @module actors/bot/test-support — the default script and aspirant facts for the bot's tests. */
import type { BotFacts } from './interpreter';
import { type BotScript, DEFAULT_SCRIPT_URL, formatProblems, parseScript } from './script';

export async function loadDefaultScript(): Promise<BotScript> {
  const result = parseScript(await Bun.file(DEFAULT_SCRIPT_URL).text());
  if (!result.ok) throw new Error(`default script is invalid:\n${formatProblems(result.problems, 'intake.yaml')}`);
  return result.script;
}

export const FORM_LINK = 'https://wasap.example/f/tok123';

export function facts(overrides: Partial<BotFacts> = {}): BotFacts {
  return { locale: 'es', whatsappName: 'Caro ✨', formLink: FORM_LINK, formSubmitted: false, agencyName: 'Wasap Talent', ...overrides };
}

export const HOUR = 3_600_000;
