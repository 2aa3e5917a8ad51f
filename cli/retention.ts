/**
 * @module cli/retention — `wasap retention --dry-run | --yes [--json]`: who is due for erasure because her data has
 * outlived its purpose (Law 1581 Art. 4 lit. b and Art. 11; Decree 1377 Art. 11), and erasing them now. `--dry-run`
 * lists them (id, conversation, masked number, rule, last message) and erases nothing — through the running server's
 * admin API or, when none holds the database, on the database itself. `--yes` erases them through the admin API
 * (refused by the server while RETENTION_ENABLED is off). With neither, a terminal is shown the list and asked; a
 * script is refused.
 */
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { configFrom } from './context';
import { dueForRetention } from '../server/privacy/retention';
import { dueView, settingsView, type DueView } from '../server/routes/admin-api-retention';
import { adminApi, call, viaServerOrDatabase } from './api';
import { CLIError } from './errors';
import { processIO, type CliIO } from './io';
import { minuteOf, renderTable } from './table';

interface Listing {
  enabled: boolean;
  periods: Record<string, string>;
  run: string;
  due: DueView[];
}

function table(due: DueView[]): string {
  return renderTable(
    ['ID', 'CONVERSATION', 'PHONE', 'RULE', 'SINCE'],
    due.map((d) => [String(d.aspirantId), String(d.conversationId), d.maskedPhone, d.rule, minuteOf(d.lastMessageAt)]),
  );
}

function listing(io: CliIO): Promise<Listing> {
  return viaServerOrDatabase<Listing>(io, 'wasap retention', {
    server: (api) => call('retention', () => api.api.admin.privacy.retention.get()),
    database: async (database) => {
      // Offline: the settings are this environment's (the server's own are what a run would use).
      const settings = configFrom(io).retention;
      const due = await dueForRetention(database.db, new Date(), settings);
      return { ...settingsView(settings, undefined), due: due.map(dueView) };
    },
  });
}

/** Asks on the terminal whether to go on; undefined when there is no terminal to ask (a script, a test's io). */
async function askOnTerminal(io: CliIO, question: string): Promise<boolean | undefined> {
  if (io !== processIO || !process.stdin.isTTY) return undefined;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^(y|yes|s|si|sí)$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

async function erase(io: CliIO, json: boolean): Promise<void> {
  const api = await adminApi(io);
  const { report, due } = await call('retention run', () => api.api.admin.privacy.retention.run.post());
  if (json) return io.out(`${JSON.stringify({ report, due }, null, 2)}\n`);
  io.out(`erased ${report.erasedIds.length} of ${due.length} due${report.failedIds.length ? `; failed: ${report.failedIds.join(', ')} (due again at the next run; see the server log)` : ''}\n`);
  if (report.erasedIds.length) io.out(`erased ids: ${report.erasedIds.join(', ')}\n`);
  if (report.failedIds.length) process.exitCode = 1;
}

export function registerRetention(program: Command, io: CliIO): void {
  program
    .command('retention')
    .description('personal data past its retention period (Law 1581): list who is due (--dry-run) or erase them (--yes)')
    .addOption(new Option('--dry-run', 'list who is due now and why; erase nothing').conflicts('yes'))
    .option('--yes', 'erase everyone due now, without asking (the server refuses while RETENTION_ENABLED is off)')
    .option('--json', 'print JSON')
    .action(async function retention(opts: { dryRun?: boolean; yes?: boolean; json?: boolean }) {
      if (opts.yes) return erase(io, opts.json ?? false);
      const found = await listing(io);
      if (opts.json && opts.dryRun) return io.out(`${JSON.stringify(found, null, 2)}\n`);
      const rules = Object.entries(found.periods)
        .map(([rule, period]) => `${rule}=${period}`)
        .join(', ');
      io.out(`retention ${found.enabled ? 'enabled' : 'off (RETENTION_ENABLED=false)'}; periods: ${rules}\n`);
      io.out(found.due.length ? `${found.due.length} due now:\n${table(found.due)}` : 'no one is due now\n');
      if (opts.dryRun || found.due.length === 0) return;
      const answer = await askOnTerminal(io, `Erase these ${found.due.length} aspirants now? This cannot be undone. [y/N] `);
      if (answer === undefined) throw new CLIError('not erasing without confirmation', 2, 'Run `wasap retention --dry-run` to list who is due, or `wasap retention --yes` to erase them.');
      if (!answer) return io.out('nothing erased\n');
      return erase(io, opts.json ?? false);
    });
}
