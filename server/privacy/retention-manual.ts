/**
 * @module server/privacy/retention-manual — retention run by an admin, now (the admin page's "run now", `wasap
 * retention --yes`): the same run as the daily job (server/privacy/retention-run, trigger `manual`), refused unless
 * RETENTION_ENABLED is on and an erasure is wired, so nothing is erased that the agency has not decided to erase
 * (Law 1581 Art. 4 lit. b and Art. 11; Decree 1377 Art. 11). A dry run (who is due, nothing written) is always open.
 */
import type { RetentionConfig } from '../config-retention';
import type { Db } from '../db/client';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { dueForRetention, type DueAspirant } from './retention';
import { runRetention, type EraseOne, type RetentionReport } from './retention-run';

const REFUSALS = {
  disabled: {
    code: 'RETENTION_DISABLED',
    message: 'Retention is off (RETENTION_ENABLED=false): nothing was erased. Set RETENTION_ENABLED=true and restart the server to erase what is due; `wasap retention --dry-run` lists it meanwhile.',
  },
  noErase: { code: 'RETENTION_NO_ERASE', message: 'This server has no erasure wired for retention: nothing was erased. `wasap retention --dry-run` lists what is due.' },
  running: { code: 'RETENTION_RUNNING', message: 'A manual retention run is already under way on this server; its report appears when it ends. Try again then.' },
} as const;

/** Why a manual run was refused: RETENTION_ENABLED is off, this server has no erasure to run, or one is running. */
export class RetentionRefusedError extends AppError {
  constructor(readonly reason: keyof typeof REFUSALS) {
    super(REFUSALS[reason].code, 409, REFUSALS[reason].message);
  }
}

/** The manual run under way in this process: two admins pressing "run now" at once must not erase the same person twice. */
let running = false;

export interface ManualRetentionDeps {
  db: Db;
  logger: Logger;
  settings: RetentionConfig;
  /** services.retention.erase; absent, only dry runs. */
  erase?: EraseOne;
}

/** Whether a manual run may erase now: 'ready', or why not. */
export function manualRunState(deps: Pick<ManualRetentionDeps, 'settings' | 'erase'>): 'ready' | 'disabled' | 'noErase' {
  if (!deps.settings.enabled) return 'disabled';
  return deps.erase ? 'ready' : 'noErase';
}

/** Who is due at `now` (oldest activity first): reads only, records nothing. */
export function dueNow(deps: Pick<ManualRetentionDeps, 'db' | 'settings'>, now: Date): Promise<DueAspirant[]> {
  return dueForRetention(deps.db, now, deps.settings);
}

/**
 * Erases every aspirant due at `now` and records the report (audit `retention.ran`, trigger `manual`, by `actor`).
 * @throws RetentionRefusedError (409) when RETENTION_ENABLED is off, no erasure is wired, or another manual run is under
 * way in this process — before anything is read.
 */
export async function runRetentionNow(deps: ManualRetentionDeps, now: Date, actor: { label: string; userId?: number }): Promise<{ report: RetentionReport; due: DueAspirant[] }> {
  const state = manualRunState(deps);
  if (state !== 'ready') throw new RetentionRefusedError(state);
  if (running) throw new RetentionRefusedError('running');
  running = true;
  try {
    return await runRetention(deps, { now, dryRun: false, trigger: 'manual', actor: actor.label, actorUserId: actor.userId });
  } finally {
    running = false;
  }
}
