/** @module cli/serve — `wasap serve`: run the server in the foreground. */
import type { Command } from 'commander';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the Wasap server (same as `npm start`); stops cleanly on SIGTERM/SIGINT')
    .action(async function serve() {
      const { main } = await import('../server/main');
      const code = await main();
      if (code !== 0) process.exitCode = code;
    });
}
