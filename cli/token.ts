/**
 * @module cli/token — `wasap token create|list|revoke`: admin API tokens for the CLI, on the database or, while a server
 * on this machine holds the embedded one, through its admin API (cli/api `viaServerOrDatabase`).
 */
import type { Command } from 'commander';
import { createApiToken, listApiTokens, revokeApiToken, TOKEN_NAME_PATTERN, tokenView } from '../server/services/api-tokens';
import { call, viaServerOrDatabase } from './api';
import { CLIError } from './errors';
import type { CliIO } from './io';
import { minuteOf, renderTable } from './table';

export function registerToken(program: Command, io: CliIO): void {
  const token = program.command('token').description('admin API tokens (WASAP_API_TOKEN) for commands that change live state');
  token
    .command('create')
    .description('create a token; it is printed once and stored only as a hash')
    .requiredOption('--name <name>', 'what the token is for, e.g. "laptop"')
    .action(async function create(opts: { name: string }) {
      const name = opts.name.trim();
      if (!TOKEN_NAME_PATTERN.test(name)) throw new CLIError('--name: 1 to 60 letters, digits, spaces, . @ _ -', 2);
      const created = await viaServerOrDatabase(io, 'wasap token create', {
        server: (api) => call('create', () => api.api.admin.tokens.post({ name })),
        database: (database) => createApiToken(database.db, name, 'cli'),
      });
      io.out(`${created.token}\n`);
      io.err(`token ${created.id} "${name}" created; it will not be shown again. Use it as WASAP_API_TOKEN.\n`);
    });
  token
    .command('list')
    .description('list tokens (never their values)')
    .action(async function list() {
      const rows = await viaServerOrDatabase(io, 'wasap token list', {
        server: (api) => call('list', () => api.api.admin.tokens.get()),
        database: async (database) => (await listApiTokens(database.db)).map(tokenView),
      });
      io.out(
        renderTable(
          ['ID', 'NAME', 'CREATED', 'LAST USED', 'STATE'],
          rows.map((r) => [String(r.id), r.name, minuteOf(r.createdAt), minuteOf(r.lastUsedAt), r.revokedAt ? 'revoked' : 'active']),
        ),
      );
    });
  token
    .command('revoke <id>')
    .description('revoke a token')
    .action(async function revoke(id: string) {
      if (!/^\d+$/.test(id)) throw new CLIError('<id>: a token id from `wasap token list`', 2);
      const done = await viaServerOrDatabase(io, 'wasap token revoke', {
        server: async (api) => (await call(`revoke ${id}`, () => api.api.admin.tokens({ id }).revoke.post())).revoked,
        database: (database) => revokeApiToken(database.db, Number(id), 'cli'),
      });
      if (!done) throw new CLIError(`no active token ${id}`, 1);
      io.out(`token ${id} revoked\n`);
    });
}
