/** @module server/db/lock.test — one process per data folder; stale locks are taken over. */
import { describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, DataDirLockedError, lockOwner } from './lock';

function lockFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'wasap-lock-')), 'wasap.lock');
}

describe('acquireLock', () => {
  test('a second holder is refused with who holds it, until release', () => {
    const file = lockFile();
    const release = acquireLock(file, 'the wasap server (port 3000)');
    expect(lockOwner(file)).toMatchObject({ pid: process.pid, role: 'the wasap server (port 3000)' });
    let refused: unknown;
    try {
      acquireLock(file, 'wasap user add');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as Error).message).toContain('the wasap server (port 3000)');
    release();
    expect(existsSync(file)).toBe(false);
    acquireLock(file, 'wasap user add')();
  });

  test('a lock left by a dead process is taken over', async () => {
    const file = lockFile();
    const child = Bun.spawn(['true']);
    await child.exited;
    writeFileSync(file, JSON.stringify({ pid: child.pid, role: 'crashed server', startedAt: 'x' }));
    expect(lockOwner(file)).toBeUndefined();
    const release = acquireLock(file, 'wasap migrate');
    expect(lockOwner(file)?.pid).toBe(process.pid);
    release();
  });
});
