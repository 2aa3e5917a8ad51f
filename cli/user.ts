/** @module cli/user — `wasap user add|list|disable|enable|passwd`: manage recruiters and admins. */
import { Option, type Command } from 'commander';
import { ROLES } from '../actors/vocabulary';
import { addUser, getUsers, setUserDisabled, setUserPassword, UserInputError } from '../server/services/users';
import { AppError } from '../server/errors';
import { withDatabase } from './context';
import { CLIError } from './errors';
import type { CliIO } from './io';
import { renderTable } from './table';

const CLI_ACTOR = { label: 'cli' };

/**
 * These commands write the database directly. A server running meanwhile does not hear them the way it
 * hears its own admin pages: it finds the change at the signed-out user's next socket message or its
 * periodic session sweep (server/realtime/access), so her open pages close within seconds.
 */
const SWEEP_NOTE = 'open pages close within seconds';

/** Domain errors become CLI errors with the same message; the rest propagate. */
async function userAction<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof UserInputError) throw new CLIError(error.message, 2);
    if (error instanceof AppError) throw new CLIError(error.message, 1);
    throw error;
  }
}

async function readPassword(io: CliIO): Promise<string> {
  const password = (await io.readSecret('Password: ')).replace(/\r?\n$/, '');
  if (!password) throw new CLIError('no password given', 2, 'Type it at the prompt, or pipe it on stdin: `printf %s "$PW" | wasap user add …`.');
  return password;
}

export function registerUser(program: Command, io: CliIO): void {
  const user = program.command('user').description('manage recruiters and admins');
  user
    .command('add')
    .description('create a user; the password is read from stdin or prompted, never taken from arguments')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'role').choices(ROLES).default('recruiter'))
    .action(async function add(opts: { email: string; name: string; role: string }) {
      const password = await readPassword(io);
      const created = await withDatabase(io, 'wasap user add', (database) => userAction(() => addUser(database.db, CLI_ACTOR, { ...opts, password })));
      io.out(`created ${created.role} ${created.email} (id ${created.id})\n`);
    });
  user
    .command('list')
    .description('list users')
    .option('--json', 'print JSON instead of a table')
    .action(async function list(opts: { json?: boolean }) {
      const users = await withDatabase(io, 'wasap user list', (database) => getUsers(database.db));
      if (opts.json) return io.out(`${JSON.stringify(users, null, 2)}\n`);
      const rows = users.map((u) => [String(u.id), u.email, u.name, u.role, u.disabled ? 'disabled' : 'active', u.createdAt.toISOString().slice(0, 10)]);
      io.out(renderTable(['ID', 'EMAIL', 'NAME', 'ROLE', 'STATE', 'CREATED'], rows));
    });
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${name} <email>`)
      .description(disabled ? `disable a user and sign them out everywhere (${SWEEP_NOTE})` : 'enable a disabled user')
      .action(async function toggle(email: string) {
        const changed = await withDatabase(io, `wasap user ${name}`, (database) => userAction(() => setUserDisabled(database.db, CLI_ACTOR, email, disabled)));
        io.out(`${changed.email} is now ${changed.disabled ? 'disabled' : 'active'}\n`);
      });
  }
  user
    .command('passwd <email>')
    .description(`set a user's password (read from stdin or prompted); signs them out everywhere (${SWEEP_NOTE})`)
    .action(async function passwd(email: string) {
      const password = await readPassword(io);
      const changed = await withDatabase(io, 'wasap user passwd', (database) => userAction(() => setUserPassword(database.db, CLI_ACTOR, email, password)));
      io.out(`password changed for ${changed.email}\n`);
    });
}
