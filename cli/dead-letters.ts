/** @module cli/dead-letters — `wasap dead-letters list|retry`: events that failed every retry, re-driven through the running server. */
import type { Command } from 'commander';
import { adminApi, call } from './api';
import { CLIError } from './errors';
import type { CliIO } from './io';
import { renderTable } from './table';

/** +573001234567 → +57300•••4567: enough to tell conversations apart in a terminal, not to read a number off it. */
function maskKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 6)}•••${key.slice(-4)}` : key;
}

export function registerDeadLetters(program: Command, io: CliIO): void {
  const group = program.command('dead-letters').description('events that failed every retry (never an outage: those wait): list them, retry them through the server');
  group
    .command('list')
    .description('open dead letters, newest first')
    .option('--all', 'include the ones already retried')
    .option('--json', 'print JSON')
    .action(async function list(opts: { all?: boolean; json?: boolean }) {
      const rows = await call('list', async () => (await adminApi(io)).api.admin['dead-letters'].get({ query: { all: opts.all ? 'true' : 'false' } }));
      if (opts.json) return io.out(`${JSON.stringify(rows, null, 2)}\n`);
      if (rows.length === 0) return io.out(opts.all ? 'no dead letters\n' : 'no open dead letters\n');
      const when = (iso: string | Date | null) => (iso ? new Date(iso).toISOString().slice(0, 16).replace('T', ' ') : '');
      io.out(
        renderTable(
          ['ID', 'CONVERSATION', 'EVENT', 'ATTEMPTS', 'WHEN', 'RETRIED', 'ERROR'],
          rows.map((r) => [String(r.id), maskKey(r.conversationKey), r.type, String(r.attempts), when(r.createdAt), when(r.resolvedAt), r.error.slice(0, 80)]),
        ),
      );
    });
  group
    .command('retry <id...>')
    .description('re-drive dead letters through their conversations (after fixing what made them fail)')
    .action(async function retry(ids: string[]) {
      for (const id of ids) if (!/^\d{1,15}$/.test(id)) throw new CLIError(`<id>: ${id} is not a dead-letter id from \`wasap dead-letters list\``, 2);
      let failed = 0;
      for (const id of ids) {
        const result = await call(`retry ${id}`, async () => (await adminApi(io)).api.admin['dead-letters']({ id }).retry.post());
        if (result.deadLettered) {
          failed++;
          io.err(`dead letter ${id} (${result.type}) failed again and is dead-lettered anew; see \`wasap dead-letters list\`\n`);
        } else io.out(`dead letter ${id} (${result.type}) processed\n`);
      }
      if (failed) throw new CLIError(`${failed} of ${ids.length} failed again`, 1);
    });
}
