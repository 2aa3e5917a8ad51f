/** @module bench/lib/cli — runs one scenario as a script: options from argv, the table on stdout, the JSON saved. */
import { formatResult, saveResult } from './report';
import type { Ratio, ScenarioOptions, ScenarioResult } from './result';

export function optionsFromArgv(argv = process.argv.slice(2)): ScenarioOptions {
  return { quick: argv.includes('--quick') || process.env.BENCH_QUICK === '1' };
}

/** Times a scenario, prints its table and saves its result; used by each scenario file and by run.ts. */
export async function runScenario(name: string, run: () => Promise<ScenarioResult>): Promise<ScenarioResult> {
  console.log(`\n▶ ${name} …`);
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n${formatResult(result)}\n\n(${seconds.toFixed(1)} s; saved ${saveResult(result, seconds)})`);
  return result;
}

/** `bun bench/<scenario>.ts [--quick]`: exits non-zero only when the scenario itself failed, not when a target is missed. */
export async function scenarioMain(name: string, run: (options: ScenarioOptions) => Promise<ScenarioResult>): Promise<void> {
  try {
    await runScenario(name, () => run(optionsFromArgv()));
    process.exit(0);
  } catch (error) {
    console.error(`${name} failed:`, error);
    process.exit(1);
  }
}

/** A ratio where higher is better (ours / baseline ≥ min). */
export function atLeast(name: string, value: number, min: number): Ratio {
  return { name, value, target: `>= ${min}`, met: value >= min };
}

/** A measure where lower is better (≤ max, in the given unit). */
export function atMost(name: string, value: number, max: number, unit = ''): Ratio {
  return { name, value, target: `<= ${max}${unit ? ` ${unit}` : ''}`, met: value <= max };
}
