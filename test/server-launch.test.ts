/**
 * @module test/server-launch.test — the server as operators launch it: `npm start` stopped by SIGTERM stops the
 * server too (npm signals only the `sh -c` it runs, which dies without passing it on), and every file it writes into
 * the data folder is readable by its owner only, whatever the umask it was started with.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lockFileOf, lockOwner } from '../server/db/lock';
import { stopWhenOrphaned } from '../server/main';
import { spawnCommand } from './support/process';
import { tempDir } from './support/temp';

/**
 * The data folder and what lies directly in it (files, and the folders that hold the rest) with any group or other
 * permission bit, as `name mode`.
 */
function notPrivate(dir: string): string[] {
  const found: string[] = [];
  for (const name of ['', ...readdirSync(dir)]) {
    const mode = statSync(join(dir, name)).mode & 0o777;
    if (mode & 0o077) found.push(`${name || '.'} ${mode.toString(8)}`);
  }
  return found;
}

/** Starts `command` with a fresh data folder under umask 022; resolves once it listens, with the server's pid. */
async function launch(command: string[], env: Record<string, string>) {
  started.push(join(env.WASAP_DATA_DIR!, 'pg'));
  const child = spawnCommand(['sh', '-c', 'umask 022 && exec "$@"', 'sh', ...command], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });
  await child.waitForLine((l) => l.includes('"msg":"listening"'));
  const owner = lockOwner(lockFileOf(join(env.WASAP_DATA_DIR!, 'pg')));
  if (!owner) throw new Error(`no lock owner after listening:\n${child.lines.join('\n')}`);
  return { ...child, serverPid: owner.pid };
}

/** Embedded database folders of the servers started here: one still held after a test (it failed) is killed. */
const started: string[] = [];

afterEach(() => {
  for (const folder of started.splice(0)) {
    const owner = lockOwner(lockFileOf(folder));
    if (owner) process.kill(owner.pid, 'SIGKILL');
  }
});

describe('launching the server', () => {
  test('SIGTERM to `npm start` stops the server and frees the data folder; its files are private under umask 022', async () => {
    using data = tempDir();
    const npm = Bun.which('npm');
    if (!npm) throw new Error('npm is not on PATH');
    // A data folder the server creates, as on a first start.
    const dataDir = join(data.path, 'data');
    const server = await launch([npm, 'start'], { WASAP_DATA_DIR: dataDir });
    expect(server.serverPid).not.toBe(server.proc.pid);
    expect(readdirSync(dataDir).sort()).toEqual(expect.arrayContaining(['media', 'pg', 'secret']));
    expect(notPrivate(dataDir)).toEqual([]);
    server.proc.kill('SIGTERM');
    // The output pipes close when the last process holding them — the server — exits.
    await server.exited;
    expect(server.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
    expect(lockOwner(lockFileOf(join(dataDir, 'pg')))).toBeUndefined();
  });

  test('`wasap serve` launched by npm stops when the shell npm signalled dies', async () => {
    using data = tempDir();
    // What `npx wasap serve` runs: `sh -c 'wasap serve'`, with npm's variables; dash keeps the shell as the parent.
    started.push(join(data.path, 'pg'));
    const shell = spawnCommand(['sh', '-c', `"${process.execPath}" cli/main.ts serve; true`], {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      WASAP_DATA_DIR: data.path,
      npm_command: 'exec',
    });
    await shell.waitForLine((l) => l.includes('"msg":"listening"'));
    const serverPid = lockOwner(lockFileOf(join(data.path, 'pg')))!.pid;
    expect(serverPid).not.toBe(shell.proc.pid);
    shell.proc.kill('SIGTERM');
    await shell.exited;
    expect(shell.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
    expect(lockOwner(lockFileOf(join(data.path, 'pg')))).toBeUndefined();
  });

  test('stopWhenOrphaned watches only a process launched by npm', () => {
    const never = () => {
      throw new Error('not orphaned');
    };
    // Without npm's variables nothing is watched (a server under a shell, systemd or nohup is left be).
    const unwatched = stopWhenOrphaned(never, {});
    unwatched();
    const watched = stopWhenOrphaned(never, { npm_command: 'start' });
    watched();
  });
});
