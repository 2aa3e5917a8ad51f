/** @module server/db/queries/aspirants — looking up aspirants and their form submissions. */
import { desc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { FormProfile } from '../../../actors/conversation/types';
import type { WhatsAppIdentity } from '../../whatsapp/port';
import type { Db } from '../client';
import { aspirants, formSubmissions } from '../schema';

export type Aspirant = typeof aspirants.$inferSelect;

export async function getAspirant(db: Db, id: number): Promise<Aspirant | undefined> {
  const [row] = await db.select().from(aspirants).where(eq(aspirants.id, id));
  return row;
}

/**
 * The aspirant whose conversation key is `whatsappId` (a number, E.164, or a BSUID), else the one whose phone or BSUID
 * it is (her key may be her BSUID while a form tool knows her number).
 */
export async function findAspirantByWhatsappId(db: Db, whatsappId: string): Promise<Aspirant | undefined> {
  const [row] = await db
    .select()
    .from(aspirants)
    .where(or(eq(aspirants.whatsappId, whatsappId), eq(aspirants.phone, whatsappId), eq(aspirants.bsuid, whatsappId)))
    .orderBy(sql`${aspirants.whatsappId} = ${whatsappId} desc`)
    .limit(1);
  return row;
}

/** The aspirant of a provider identity as the intake resolves it: by BSUID, else by phone (server/db/inbound-statement). */
export async function findAspirantByIdentity(db: Db, identity: WhatsAppIdentity): Promise<Aspirant | undefined> {
  const by = async (condition: SQL) => (await db.select().from(aspirants).where(condition).limit(1))[0];
  return (identity.bsuid ? await by(eq(aspirants.bsuid, identity.bsuid)) : undefined) ?? (identity.phone ? await by(eq(aspirants.phone, identity.phone)) : undefined);
}

/** The aspirant's language, or undefined when there is no such aspirant. */
export async function aspirantLocale(db: Db, id: number): Promise<string | undefined> {
  const [row] = await db.select({ locale: aspirants.locale }).from(aspirants).where(eq(aspirants.id, id));
  return row?.locale;
}

export interface StoredSubmission {
  id: number;
  source: string;
  externalId: string | null;
  profile: Partial<FormProfile>;
  createdAt: Date;
}

/** Every version the aspirant sent, newest first. */
export async function listSubmissions(db: Db, aspirantId: number, limit = 50): Promise<StoredSubmission[]> {
  const rows = await db.select().from(formSubmissions).where(eq(formSubmissions.aspirantId, aspirantId)).orderBy(desc(formSubmissions.id)).limit(limit);
  return rows.map((row) => ({ id: row.id, source: row.source, externalId: row.externalId, profile: row.data as Partial<FormProfile>, createdAt: row.createdAt }));
}

export async function latestSubmission(db: Db, aspirantId: number): Promise<StoredSubmission | undefined> {
  return (await listSubmissions(db, aspirantId, 1))[0];
}

export async function getSubmission(db: Db, id: number): Promise<StoredSubmission | undefined> {
  const [row] = await db.select().from(formSubmissions).where(eq(formSubmissions.id, id));
  return row && { id: row.id, source: row.source, externalId: row.externalId, profile: row.data as Partial<FormProfile>, createdAt: row.createdAt };
}

/** What the aspirant row says of the profile, once a form reached it (the row holds the latest submission). */
export function aspirantProfile(row: Aspirant): Partial<FormProfile> | null {
  if (!row.formSubmittedAt) return null;
  return {
    firstName: row.firstName ?? undefined,
    lastName: row.lastName ?? undefined,
    email: row.email ?? undefined,
    location: row.location ?? undefined,
    preferredModelingTypes: row.preferredModelingTypes as FormProfile['preferredModelingTypes'],
    hasKids: row.hasKids ?? undefined,
    preferredShift: row.preferredShift ?? undefined,
    unavailableShifts: row.unavailableShifts as FormProfile['unavailableShifts'],
    notes: row.notes ?? undefined,
  };
}
