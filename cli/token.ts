/** @module cli/token — `wasap token create|list|revoke`: admin API tokens for the CLI (offline: opens the database). */
import type { Command } from 'commander';
import { createApiToken, listApiTokens, revokeApiToken } from '../server/services/api-tokens';
import { withDatabase } from './context';
import { CLIError } from './errors';
import type { CliIO } from './io';
import { renderTable } from './table';

export function registerToken(program: Command, io: CliIO): void {
  const token = program.command('token').description('admin API tokens (WASAP_API_TOKEN) for commands that change live state');
  token
    .command('create')
    .description('create a token; it is printed once and stored only as a hash')
    .requiredOption('--name <name>', 'what the token is for, e.g. "laptop"')
    .action(async function create(opts: { name: string }) {
      const name = opts.name.trim();
      if (!/^[\w .@-]{1,60}$/.test(name)) throw new CLIError('--name: 1 to 60 letters, digits, spaces, . @ _ -', 2);
      const created = await withDatabase(io, 'wasap token create', (database) => createApiToken(database.db, name, 'cli'));
      io.out(`${created.token}\n`);
      io.err(`token ${created.id} "${name}" created; it will not be shown again. Use it as WASAP_API_TOKEN.\n`);
    });
  token
    .command('list')
    .description('list tokens (never their values)')
    .action(async function list() {
      const rows = await withDatabase(io, 'wasap token list', (database) => listApiTokens(database.db));
      const day = (d: Date | null) => d?.toISOString().slice(0, 16).replace('T', ' ') ?? '-';
      io.out(
        renderTable(
          ['ID', 'NAME', 'CREATED', 'LAST USED', 'STATE'],
          rows.map((r) => [String(r.id), r.name, day(r.createdAt), day(r.lastUsedAt), r.revokedAt ? 'revoked' : 'active']),
        ),
      );
    });
  token
    .command('revoke <id>')
    .description('revoke a token')
    .action(async function revoke(id: string) {
      if (!/^\d+$/.test(id)) throw new CLIError('<id>: a token id from `wasap token list`', 2);
      const done = await withDatabase(io, 'wasap token revoke', (database) => revokeApiToken(database.db, Number(id), 'cli'));
      if (!done) throw new CLIError(`no active token ${id}`, 1);
      io.out(`token ${id} revoked\n`);
    });
}
