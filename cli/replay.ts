/** @module cli/replay — `wasap replay`: re-run recorded conversations through a bot script in memory and show the differences. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatProblems, parseScript, type BotScript } from '../actors/bot/script';
import { resolveSecret } from '../server/config';
import type { Db } from '../server/db/client';
import { createScriptCache } from '../server/services/bot-scripts';
import { replayableConversations, replayConversation, type ReplayOptions, type ReplayResult } from '../server/services/replay';
import { withDatabase } from './context';
import { CLIError } from './errors';
import type { CliIO } from './io';

interface ReplayFlags {
  script?: string;
  json?: boolean;
  check?: boolean;
  all?: boolean;
  since?: string;
}

async function scriptOverride(db: Db, source: string | undefined): Promise<{ ref: string; script: BotScript } | undefined> {
  if (!source) return undefined;
  if (/^[a-z0-9][a-z0-9_-]*@\d+$/.test(source)) return createScriptCache(db).get(source);
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch {
    throw new CLIError(`--script: cannot read ${source} (give a file or NAME@VERSION)`, 2);
  }
  const parsed = parseScript(text);
  if (!parsed.ok) throw new CLIError(`--script ${source} is not valid:\n${formatProblems(parsed.problems, source)}`, 2);
  return { ref: source, script: parsed.script };
}

function printTranscript(io: CliIO, result: ReplayResult): void {
  io.out(`conversation ${result.conversationId} — script ${result.script ?? '(none)'}\n`);
  for (const step of result.steps) {
    io.out(`${step.same ? ' ' : '≠'} ${step.at}  ${step.event}${step.summary ? `  ${JSON.stringify(step.summary)}` : ''}\n`);
    if (step.same) {
      for (const text of step.recorded) io.out(`      bot: ${text}\n`);
      continue;
    }
    for (const text of step.recorded) io.out(`    - recorded: ${text}\n`);
    for (const text of step.replayed) io.out(`    + replayed: ${text}\n`);
  }
  io.out(`${result.differences} difference(s)\n`);
}

function progress(io: CliIO, done: number, total: number): void {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  io.err(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`);
  if (done === total) io.err('\n');
}

async function replayAll(io: CliIO, db: Db, options: ReplayOptions, flags: ReplayFlags): Promise<number> {
  const since = flags.since ? new Date(flags.since) : undefined;
  if (since && Number.isNaN(since.getTime())) throw new CLIError('--since: a date like 2026-11-01 or 2026-11-01T08:00:00Z', 2);
  const ids = await replayableConversations(db, since);
  const summary = { conversations: ids.length, identical: 0, differing: 0, errors: 0 };
  const results: (ReplayResult | { conversationId: number; error: string })[] = [];
  for (const [i, id] of ids.entries()) {
    try {
      const result = await replayConversation(db, id, options);
      results.push(result);
      if (result.differences) summary.differing++;
      else summary.identical++;
    } catch (error) {
      summary.errors++;
      results.push({ conversationId: id, error: (error as Error).message });
    }
    if (!flags.json) progress(io, i + 1, ids.length);
  }
  if (flags.json) io.out(`${JSON.stringify({ summary, results }, null, 2)}\n`);
  else io.out(`conversations ${summary.conversations}, identical ${summary.identical}, differing ${summary.differing}, errors ${summary.errors}\n`);
  return summary.differing + summary.errors;
}

export function registerReplay(program: Command, io: CliIO): void {
  program
    .command('replay [conversation]')
    .description('re-run a conversation (or --all) through a bot script in memory — nothing is sent or written')
    .option('--script <file|name@version>', 'replay with this script instead of the version each conversation ran')
    .option('--json', 'print JSON')
    .option('--check', 'exit non-zero when the replayed bot messages differ from the recorded ones')
    .option('--all', 'replay every conversation (with a progress bar and a summary)')
    .option('--since <date>', 'with --all: only conversations with events since this date')
    .action(async function replay(conversation: string | undefined, flags: ReplayFlags) {
      if (!flags.all && !/^\d+$/.test(conversation ?? '')) throw new CLIError('give a conversation id, or --all', 2);
      const differing = await withDatabase(io, 'wasap replay', async (database, config) => {
        const options: ReplayOptions = {
          scripts: createScriptCache(database.db),
          forms: { secret: resolveSecret(config), publicUrl: config.publicUrl, ttlMs: config.formLinkTtlMs, agencyName: config.agencyName },
          script: await scriptOverride(database.db, flags.script),
        };
        if (flags.all) return replayAll(io, database.db, options, flags);
        const result = await replayConversation(database.db, Number(conversation), options);
        if (flags.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
        else printTranscript(io, result);
        return result.differences;
      });
      if (flags.check && differing > 0) throw new CLIError(`${differing} difference(s)`, 1);
    });
}
