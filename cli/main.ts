#!/usr/bin/env bun
/** @module cli/main — the `wasap` admin command: createProgram() builds it, run(argv) runs it and returns the exit code. */
import { Command, CommanderError } from 'commander';
import { registerAspirant } from './aspirant';
import { registerBackup } from './backup';
import { registerBot } from './bot';
import { registerCluster } from './cluster';
import { registerDeadLetters } from './dead-letters';
import { registerDoctor } from './doctor';
import { CLIError } from './errors';
import { printable } from './table';
import { processIO, type CliIO } from './io';
import { registerMigrate } from './migrate';
import { registerReplay } from './replay';
import { registerRequests } from './requests';
import { registerRetention } from './retention';
import { registerServe } from './serve';
import { registerTemplates } from './templates';
import { registerToken } from './token';
import { registerUser } from './user';
import { usePrivateUmask } from '../server/private-files';

export function createProgram(io: CliIO = processIO): Command {
  const program = new Command('wasap')
    .description('Wasap admin command: server, database, users, tokens, bot scripts, replays, dead letters, WhatsApp templates')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerServe(program);
  registerMigrate(program, io);
  registerUser(program, io);
  registerToken(program, io);
  registerBot(program, io);
  registerReplay(program, io);
  registerDeadLetters(program, io);
  registerTemplates(program, io);
  registerRequests(program, io);
  registerAspirant(program, io);
  registerRetention(program, io);
  registerDoctor(program, io);
  registerCluster(program, io);
  registerBackup(program, io);
  // Subcommands inherit exitOverride and output so tests see everything through `io`.
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
    for (const sub of command.commands) sub.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  }
  return program;
}

/** Runs the CLI with user arguments (no node/script prefix) and returns the exit code. */
export async function run(argv: string[], io: CliIO = processIO): Promise<number> {
  try {
    await createProgram(io).parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // Usage mistakes exit 2 (like most Unix tools); --help and --version exit 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CLIError) {
      io.err(printable(`wasap: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`));
      return error.exitCode;
    }
    io.err(printable(`wasap: ${(error as Error).message}\n`));
    return 1;
  }
}

if (import.meta.main) {
  // Commands write personal data (the embedded database, backups): owner-only files, as the server's (server/private-files).
  usePrivateUmask();
  process.exit(await run(process.argv.slice(2)));
}
