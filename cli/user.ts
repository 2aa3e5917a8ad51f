/**
 * @module cli/user — `wasap user add|list|set|disable|enable|sensitive|passwd`: manage recruiters and admins, on the database or,
 * while a server on this machine holds the embedded one, through its admin API (cli/api `viaServerOrDatabase`).
 */
import { Option, type Command } from 'commander';
import { LOCALES, ROLES, type Role } from '../actors/vocabulary';
import { addUser, getUsers, setUserDisabled, setUserPassword, setUserPreferences, UserInputError, userView } from '../server/services/users';
import { AppError } from '../server/errors';
import { setSensitiveAccess } from '../server/privacy/sensitive-access';
import { call, viaServerOrDatabase } from './api';
import { CLIError } from './errors';
import type { CliIO } from './io';
import { minuteOf, renderTable } from './table';

const CLI_ACTOR = { label: 'cli' };

/**
 * Written directly to a shared Postgres, a running server finds the change at the signed-out user's next socket
 * message or its periodic session sweep (server/realtime/access), so her open pages close within seconds; through
 * the server (the embedded database) they close at once.
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
    .addOption(new Option('--locale <locale>', 'the language of her pages (default es)').choices(LOCALES))
    .option('--time-zone <zone>', 'the IANA time zone her pages show times in (default America/Bogota)')
    .action(async function add(opts: { email: string; name: string; role: string; locale?: string; timeZone?: string }) {
      const password = await readPassword(io);
      const input = { ...opts, role: opts.role as Role, password };
      const created = await viaServerOrDatabase(io, 'wasap user add', {
        server: (api) => call('add', () => api.api.admin.users.post(input)),
        database: async (database) => userView(await userAction(() => addUser(database.db, CLI_ACTOR, input))),
      });
      io.out(`created ${created.role} ${created.email} (id ${created.id})\n`);
    });
  user
    .command('list')
    .description('list users')
    .option('--json', 'print JSON instead of a table')
    .action(async function list(opts: { json?: boolean }) {
      const users = await viaServerOrDatabase(io, 'wasap user list', {
        server: (api) => call('list', () => api.api.admin.users.get()),
        database: async (database) => (await getUsers(database.db)).map(userView),
      });
      if (opts.json) return io.out(`${JSON.stringify(users, null, 2)}\n`);
      const rows = users.map((u) => [
        String(u.id),
        u.email,
        u.name,
        u.role,
        u.disabled ? 'disabled' : 'active',
        u.sensitiveAccess ? 'yes' : 'no',
        u.locale,
        u.timeZone,
        minuteOf(u.createdAt).slice(0, 10),
      ]);
      io.out(renderTable(['ID', 'EMAIL', 'NAME', 'ROLE', 'STATE', 'SENSITIVE', 'LANGUAGE', 'TIME ZONE', 'CREATED'], rows));
    });
  user
    .command('set <email>')
    .description("set the language and/or time zone of a user's pages (from her next page)")
    .addOption(new Option('--locale <locale>', 'language').choices(LOCALES))
    .option('--time-zone <zone>', 'IANA time zone, e.g. America/Bogota')
    .action(async function set(email: string, opts: { locale?: string; timeZone?: string }) {
      if (opts.locale === undefined && opts.timeZone === undefined) throw new CLIError('nothing to set', 2, 'Give --locale, --time-zone or both.');
      const input = { locale: opts.locale, timeZone: opts.timeZone };
      const changed = await viaServerOrDatabase(io, 'wasap user set', {
        server: (api) => call('set', () => api.api.admin.users.preferences.post({ email, ...input })),
        database: async (database) => userView(await userAction(() => setUserPreferences(database.db, CLI_ACTOR, email, input))),
      });
      io.out(`${changed.email} reads the pages in ${changed.locale}, times in ${changed.timeZone}\n`);
    });
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${name} <email>`)
      .description(disabled ? `disable a user and sign them out everywhere (${SWEEP_NOTE})` : 'enable a disabled user')
      .action(async function toggle(email: string) {
        const changed = await viaServerOrDatabase(io, `wasap user ${name}`, {
          server: (api) => call(name, () => api.api.admin.users.disabled.post({ email, disabled })),
          database: async (database) => userView(await userAction(() => setUserDisabled(database.db, CLI_ACTOR, email, disabled))),
        });
        io.out(`${changed.email} is now ${changed.disabled ? 'disabled' : 'active'}\n`);
      });
  }
  user
    .command('sensitive <email> <access>')
    .description("turn a user's access to aspirants' sensitive answers (children, measurements) on or off; admins always have it")
    .action(async function sensitive(email: string, access: string) {
      if (access !== 'on' && access !== 'off') throw new CLIError(`unknown access "${access}"`, 2, 'Write on or off: `wasap user sensitive ana@example.com on`.');
      const on = access === 'on';
      const changed = await viaServerOrDatabase(io, 'wasap user sensitive', {
        server: (api) => call('sensitive', () => api.api.admin.users.sensitive.post({ email, access: on })),
        database: async (database) => userView(await userAction(() => setSensitiveAccess(database.db, CLI_ACTOR, email, on))),
      });
      const role = changed.role === 'admin' ? ' (an admin sees them whatever this says)' : '';
      io.out(`${changed.email} ${changed.sensitiveAccess ? 'may now see' : 'may no longer see'} sensitive answers${role}\n`);
    });
  user
    .command('passwd <email>')
    .description(`set a user's password (read from stdin or prompted); signs them out everywhere (${SWEEP_NOTE})`)
    .action(async function passwd(email: string) {
      const password = await readPassword(io);
      const changed = await viaServerOrDatabase(io, 'wasap user passwd', {
        server: (api) => call('passwd', () => api.api.admin.users.password.post({ email, password })),
        database: async (database) => userView(await userAction(() => setUserPassword(database.db, CLI_ACTOR, email, password))),
      });
      io.out(`password changed for ${changed.email}\n`);
    });
}
