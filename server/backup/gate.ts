/**
 * @module server/backup/gate — one backup at a time per server. A backup holds the whole database copy in memory and
 * streams every media file, so a second one while the first runs would only double the load (and the first's wait):
 * it is refused (409 `BACKUP_RUNNING`) and told who holds the gate and since when. The gate is held from before the
 * snapshot until its archive has gone out, failed, or its reader went away.
 */

/** The backup that holds the gate. */
export interface RunningBackup {
  /** Who asked for it (the admin API caller's label: `cli (local)`, `token:<name>`). */
  by: string;
  /** When it started, milliseconds since the epoch. */
  since: number;
}

/** Either the gate, with its release (idempotent: a release after the gate passed to another backup does nothing), or who holds it. */
export type GateEntry = { release: () => void } | { running: RunningBackup };

export interface BackupGate {
  /** Takes the gate for `by` at `now` (ms since the epoch), or says which backup holds it. Never waits. */
  enter(by: string, now: number): GateEntry;
  /** The backup holding the gate, if any. */
  running(): RunningBackup | undefined;
}

export function createBackupGate(): BackupGate {
  let holder: RunningBackup | undefined;
  return {
    enter: function enterBackupGate(by, now) {
      if (holder) return { running: { ...holder } };
      const mine: RunningBackup = { by, since: now };
      holder = mine;
      return {
        release: function releaseBackupGate() {
          if (holder === mine) holder = undefined;
        },
      };
    },
    running: function runningBackup() {
      return holder ? { ...holder } : undefined;
    },
  };
}
