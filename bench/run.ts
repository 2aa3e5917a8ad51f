/** @module bench/run — `npm run bench`: every scenario in sequence, each table as it finishes, then every ratio against its target. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runActorMemory } from './actor-memory';
import { runCluster } from './cluster';
import { runFanOut } from './fan-out';
import { runHttpTax } from './http-tax';
import { optionsFromArgv, runScenario } from './lib/cli';
import { RESULTS_DIR, summaryRows, table } from './lib/report';
import type { ScenarioOptions, ScenarioResult } from './lib/result';
import { runPage } from './page';
import { runTwilioSend } from './twilio-send';

type IngestRun = (options: ScenarioOptions & { driver: 'postgres' | 'pglite' }) => Promise<ScenarioResult>;

/** bench/ingest.ts is written separately; until it lands the run says so instead of failing. */
async function ingest(): Promise<IngestRun | undefined> {
  const path = join(import.meta.dir, 'ingest.ts');
  if (!existsSync(path)) return undefined;
  const mod = (await import(path)) as { runIngest?: IngestRun };
  return mod.runIngest;
}

async function main(): Promise<void> {
  const options = optionsFromArgv();
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const runIngest = await ingest();
  const scenarios: [string, () => Promise<ScenarioResult>][] = [
    ['http-tax', () => runHttpTax(options)],
    ['fan-out', () => runFanOut(options)],
    ['actor-memory', () => runActorMemory(options)],
    ['page', () => runPage(options)],
    ['twilio-send', () => runTwilioSend(options)],
    ['cluster', () => runCluster(options)],
  ];
  if (runIngest) {
    scenarios.push(['ingest', () => runIngest({ ...options, driver: 'postgres' })], ['pglite-ingest', () => runIngest({ ...options, driver: 'pglite' })]);
  }
  const started = performance.now();
  const results: ScenarioResult[] = [];
  const failed: string[] = [];
  for (const [name, run] of scenarios) {
    if (only.length && !only.includes(name)) continue;
    try {
      results.push(await runScenario(name, run));
    } catch (error) {
      failed.push(name);
      console.error(`\n✗ ${name} failed:`, error);
    }
  }
  console.log(`\n## Summary (${((performance.now() - started) / 1000).toFixed(0)} s${options.quick ? ', --quick sizes' : ''})\n\n${table(summaryRows(results))}`);
  if (!runIngest) console.log('\nNote: ingest scenario not present (bench/ingest.ts with runIngest is not in this tree yet); ingest and pglite-ingest were skipped.');
  if (failed.length) console.log(`\nFailed scenarios: ${failed.join(', ')}`);
  console.log(`\nResults: ${RESULTS_DIR}/<scenario>.json and ${RESULTS_DIR}/latest.md`);
  process.exit(failed.length ? 1 : 0);
}

await main();
