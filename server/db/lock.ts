/** @module server/db/lock — one process per embedded database folder, told clearly to the second one. */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LockOwner {
  pid: number;
  role: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED' as const;
  constructor(
    readonly file: string,
    readonly owner: LockOwner,
  ) {
    super(
      `the embedded database is in use by ${owner.role} (pid ${owner.pid}, since ${owner.startedAt}); ` + 'stop it first, or point DATABASE_URL at a Postgres server so several processes can share it',
    );
  }
}

/** Whether process `pid` exists (on this machine), whoever owns it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else: still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock this process may not read (another user's, from before locks were 0644) is held, never taken over. */
const UNREADABLE: LockOwner = { pid: 0, role: 'a process of another user', startedAt: 'an unknown time' };

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? UNREADABLE : undefined;
  }
}

/** The lock file of the embedded database in `pgliteDir`: `wasap.lock` beside it, in the data folder. */
export function lockFileOf(pgliteDir: string): string {
  return join(pgliteDir, '..', 'wasap.lock');
}

/** Takes the lock file (O_EXCL); a stale lock left by a dead process is taken over. Returns release(). */
export function acquireLock(file: string, role: string): () => void {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // 0644: who holds the folder is no secret, and another user's `wasap` must see it is held (not take it over).
      const fd = openSync(file, 'wx', 0o644);
      const owner: LockOwner = { pid: process.pid, role, startedAt: new Date().toISOString() };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      return function releaseLock() {
        if (readOwner(file)?.pid === process.pid) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      if (owner === UNREADABLE || (owner && owner.pid !== process.pid && isAlive(owner.pid))) throw new DataDirLockedError(file, owner);
      if (owner?.pid === process.pid) throw new DataDirLockedError(file, owner);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

/** Who holds the lock now, if anyone alive does (for `wasap doctor` and the CLI's refusal). */
export function lockOwner(file: string): LockOwner | undefined {
  const owner = readOwner(file);
  return owner === UNREADABLE || (owner && isAlive(owner.pid)) ? owner : undefined;
}
