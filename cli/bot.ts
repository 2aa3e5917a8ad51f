/** @module cli/bot — `wasap bot validate|list|show|publish|activate|diff`: bot scripts, live changes through the admin API. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { formatProblems, parseScript } from '../actors/bot/script';
import { adminApi, call } from './api';
import { CLIError } from './errors';
import type { CliIO } from './io';
import { renderTable } from './table';

function readScriptFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CLIError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
  }
}

/** A file path, or NAME / NAME@VERSION fetched from the server. */
async function scriptText(io: CliIO, source: string): Promise<string> {
  if (/^[a-z0-9][a-z0-9_-]*(@\d+)?$/.test(source) && !source.includes('.')) {
    const row = await call(`show ${source}`, async () => (await adminApi(io)).api.admin.bot.scripts({ ref: source }).get());
    return row.body;
  }
  return readScriptFile(source);
}

export function registerBot(program: Command, io: CliIO): void {
  const bot = program.command('bot').description('bot scripts: validate offline; list, show, publish, activate and diff through the server');
  bot
    .command('validate <file>')
    .description('check a script file (offline); exits non-zero with each problem and its line')
    .action(function validate(file: string) {
      const result = parseScript(readScriptFile(file));
      if (!result.ok) {
        io.err(`${formatProblems(result.problems, file)}\n`);
        throw new CLIError(`${file}: ${result.problems.length} problem(s)`, 1);
      }
      io.out(`${file}: ok (${result.script.name})\n`);
    });
  bot
    .command('list')
    .description('list published versions')
    .option('--json', 'print JSON')
    .action(async function list(opts: { json?: boolean }) {
      // Eden turns ISO date strings into Dates; both print the same.
      const rows = await call('list', async () => (await adminApi(io)).api.admin.bot.scripts.get());
      if (opts.json) return io.out(`${JSON.stringify(rows, null, 2)}\n`);
      io.out(
        renderTable(
          ['SCRIPT', 'ACTIVE', 'AUTHOR', 'CREATED', 'CHECKSUM'],
          rows.map((r) => [r.ref, r.active ? 'yes' : '', r.author, new Date(r.createdAt).toISOString().slice(0, 16).replace('T', ' '), r.checksum.slice(0, 12)]),
        ),
      );
    });
  bot
    .command('show <ref>')
    .description('print a version (NAME for the active one, or NAME@VERSION)')
    .action(async function show(ref: string) {
      io.out(await scriptText(io, ref));
    });
  bot
    .command('publish <file>')
    .description('publish a script file as a new version (validated by the server); --activate makes new conversations use it')
    .option('--activate', 'activate the published version')
    .action(async function publish(file: string, opts: { activate?: boolean }) {
      const body = readScriptFile(file);
      const local = parseScript(body);
      if (!local.ok) {
        io.err(`${formatProblems(local.problems, file)}\n`);
        throw new CLIError(`${file}: not published, ${local.problems.length} problem(s)`, 1);
      }
      const row = await call('publish', async () => (await adminApi(io)).api.admin.bot.scripts.post({ body, activate: opts.activate ?? false }));
      io.out(`${row.created ? 'published' : 'unchanged, already published as'} ${row.ref}${row.active ? ' (active)' : ''}\n`);
    });
  bot
    .command('activate <ref>')
    .description('make NAME@VERSION the version new conversations start with (running ones keep theirs)')
    .action(async function activate(ref: string) {
      const row = await call('activate', async () => (await adminApi(io)).api.admin.bot.activate.post({ ref }));
      io.out(`${row.ref} is active\n`);
    });
  bot
    .command('diff <a> <b>')
    .description('unified diff of two scripts (files or NAME@VERSION)')
    .action(async function diff(a: string, b: string) {
      const patch = createTwoFilesPatch(a, b, await scriptText(io, a), await scriptText(io, b));
      io.out(patch);
    });
}
