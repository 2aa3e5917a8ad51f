/**
 * @module cli/replay — `wasap replay`: re-run recorded conversations through a bot script in memory and show the
 * differences; on the database, or through the running server while it holds the embedded one (cli/api).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatProblems, parseScript, type BotScript } from '../actors/bot/script';
import { botSettings } from '../server/config';
import type { Db } from '../server/db/client';
import { createScriptCache, PINNED_REF } from '../server/services/bot-scripts';
import { CLI_READER, recordRead } from '../server/privacy/read-audit';
import { unlessErased } from '../server/privacy/erase-records';
import { replayableConversations, replayConversation, type ReplayOptions, type ReplayResult } from '../server/services/replay';
import { call, viaServerOrDatabase, type AdminApi } from './api';
import { configFrom } from './context';
import { CLIError } from './errors';
import { printable } from './table';
import type { CliIO } from './io';

interface ReplayFlags {
  script?: string;
  json?: boolean;
  check?: boolean;
  all?: boolean;
  since?: string;
}

/** A `--script` file's text, checked here first so a bad file is reported before anything runs. */
function scriptFile(source: string): { text: string; script: BotScript } {
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch {
    throw new CLIError(`--script: cannot read ${source} (give a file or NAME@VERSION)`, 2);
  }
  const parsed = parseScript(text);
  if (!parsed.ok) throw new CLIError(`--script ${source} is not valid:\n${formatProblems(parsed.problems, source)}`, 2);
  return { text, script: parsed.script };
}

async function scriptOverride(db: Db, source: string | undefined): Promise<{ ref: string; script: BotScript } | undefined> {
  if (!source) return undefined;
  if (PINNED_REF.test(source)) return createScriptCache(db).get(source);
  return { ref: source, script: scriptFile(source).script };
}

/** What replays run on: the conversations with recorded events (since a date), and one conversation's replay. */
interface Replayer {
  conversations(since?: Date): Promise<number[]>;
  replay(id: number): Promise<ReplayResult>;
}

function databaseReplayer(db: Db, options: ReplayOptions): Replayer {
  return {
    conversations: (since) => replayableConversations(db, since),
    async replay(id) {
      const result = await unlessErased(db, id, () => replayConversation(db, id, options));
      // The transcript carries what the bot told her: a read of her data, by `cli` (server/privacy/read-audit).
      await recordRead(db, CLI_READER, { action: 'conversation.opened', conversationId: id, details: { via: 'replay' } });
      return result;
    },
  };
}

/** The same through the running server's admin API; a `--script` file travels as its text. */
function serverReplayer(api: AdminApi, source: string | undefined): Replayer {
  const script = !source ? {} : PINNED_REF.test(source) ? { scriptRef: source } : { scriptBody: scriptFile(source).text, scriptName: source };
  return {
    conversations: async (since) => (await call('replay', () => api.api.admin.replay.get({ query: since ? { since: since.toISOString() } : {} }))).conversations,
    replay: async (id) => {
      const result = await call(`replay ${id}`, () => api.api.admin.replay({ id }).post(script));
      // Eden hands ISO 8601 strings back as Dates; the transcript prints them as the database path does.
      return { ...result, steps: result.steps.map((step) => ({ ...step, at: new Date(step.at).toISOString() })) };
    },
  };
}

/** The transcript, made `printable`: the texts are aspirants' and their names (control characters included). */
function printTranscript(io: CliIO, result: ReplayResult): void {
  const out = (text: string) => io.out(printable(text));
  out(`conversation ${result.conversationId} — script ${result.script ?? '(none)'}\n`);
  for (const step of result.steps) {
    out(`${step.same ? ' ' : '≠'} ${step.at}  ${step.event}${step.summary ? `  ${JSON.stringify(step.summary)}` : ''}\n`);
    if (step.same) {
      for (const text of step.recorded) out(`      bot: ${text}\n`);
      continue;
    }
    for (const text of step.recorded) out(`    - recorded: ${text}\n`);
    for (const text of step.replayed) out(`    + replayed: ${text}\n`);
  }
  out(`${result.differences} difference(s)\n`);
}

function progress(io: CliIO, done: number, total: number): void {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  io.err(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`);
  if (done === total) io.err('\n');
}

async function replayAll(io: CliIO, replayer: Replayer, flags: ReplayFlags): Promise<number> {
  const since = flags.since ? new Date(flags.since) : undefined;
  if (since && !(since.getUTCFullYear() >= 1 && since.getUTCFullYear() <= 9999)) throw new CLIError('--since: a date like 2026-11-01 or 2026-11-01T08:00:00Z', 2);
  const ids = await replayer.conversations(since);
  const summary = { conversations: ids.length, identical: 0, differing: 0, errors: 0 };
  const results: (ReplayResult | { conversationId: number; error: string })[] = [];
  for (const [i, id] of ids.entries()) {
    try {
      const result = await replayer.replay(id);
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
      if (!flags.all && !/^\d+$/.test(conversation ?? '')) throw new CLIError('give a conversation id, or --all', 2, "A conversation's id is the number in its address in the inbox (/inbox/ID).");
      const run = async (replayer: Replayer) => {
        if (flags.all) return replayAll(io, replayer, flags);
        const result = await replayer.replay(Number(conversation));
        if (flags.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
        else printTranscript(io, result);
        return result.differences;
      };
      const config = configFrom(io);
      const differing = await viaServerOrDatabase(io, 'wasap replay', {
        server: (api) => run(serverReplayer(api, flags.script)),
        database: async (database) =>
          run(databaseReplayer(database.db, { scripts: createScriptCache(database.db), forms: botSettings(config), script: await scriptOverride(database.db, flags.script) })),
      });
      if (flags.check && differing > 0) throw new CLIError(`${differing} difference(s)`, 1);
    });
}
