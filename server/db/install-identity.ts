/**
 * @module server/db/install-identity — every process on one database must sign with the same WASAP_SECRET (form
 * links, erased-subject hashes): the first process records a fingerprint of its secret, and one whose secret differs
 * refuses to start instead of answering 404 to every link the others sent. The fingerprint is an HMAC-SHA256 of a
 * fixed label keyed with the secret: it tells secrets apart and reveals nothing of them.
 */
import { createHmac } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from './client';
import { installSettings } from './schema';

const FINGERPRINT_KEY = 'secret_fingerprint';
const FINGERPRINT_LABEL = 'wasap/install-secret-fingerprint/v1';

/** Hex HMAC-SHA256 of a fixed label keyed with `secret` (64 characters). */
export function secretFingerprint(secret: string): string {
  return createHmac('sha256', secret).update(FINGERPRINT_LABEL).digest('hex');
}

export class SecretMismatchError extends Error {
  readonly code = 'SECRET_MISMATCH' as const;
  constructor(where: string) {
    super(
      `WASAP_SECRET differs from the one ${where} was set up with: every process on one database must share WASAP_SECRET (form links and erased-subject hashes are signed with it). ` +
        'Set the same WASAP_SECRET as the other processes; to change it on purpose, stop every process and run `wasap migrate --accept-new-secret` with the new one (see README, "Changing WASAP_SECRET")',
    );
  }
}

/**
 * Records the secret's fingerprint if the database has none yet, else compares it. Returns what happened; throws
 * SecretMismatchError (naming `where`, e.g. "this database") when the recorded fingerprint is another secret's.
 * Needs migration 0021 applied.
 */
export async function checkInstallSecret(db: Db, secret: string, where = 'this database'): Promise<'recorded' | 'matched'> {
  const fingerprint = secretFingerprint(secret);
  // Two processes starting together: one insert wins, the other reads the winner's row and compares with it.
  const inserted = await db.insert(installSettings).values({ key: FINGERPRINT_KEY, value: fingerprint }).onConflictDoNothing().returning({ value: installSettings.value });
  if (inserted.length) return 'recorded';
  if ((await recordedSecretFingerprint(db)) === fingerprint) return 'matched';
  throw new SecretMismatchError(where);
}

/** The recorded fingerprint (hex), or undefined before any server started on this database. Needs migration 0021. */
export async function recordedSecretFingerprint(db: Db): Promise<string | undefined> {
  const [row] = await db.select({ value: installSettings.value }).from(installSettings).where(eq(installSettings.key, FINGERPRINT_KEY));
  return row?.value;
}

/** Records `secret` as the install's, replacing any other (a deliberate rotation: `wasap migrate --accept-new-secret`). */
export async function acceptInstallSecret(db: Db, secret: string): Promise<void> {
  const value = secretFingerprint(secret);
  await db
    .insert(installSettings)
    .values({ key: FINGERPRINT_KEY, value })
    .onConflictDoUpdate({ target: installSettings.key, set: { value, updatedAt: sql`now()` } });
}
