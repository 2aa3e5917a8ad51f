/**
 * @module server/privacy/export-lookup — finding the person an admin names (`wasap aspirant show|export|erase ID|PHONE`,
 * the admin API) and what is held of her, by count: the summary shown before an export or an erasure.
 */
import { eq, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { aspirants } from '../db/schema';
import { AppError, BadRequestError, NotFoundError } from '../errors';
import { heldCounts, type RowCounts } from './erase';
import { erasureOf } from './erase-records';

/** How an admin names her: an aspirant id, a phone, or a BSUID. */
export type AspirantRef = { id: number } | { phone: string } | { bsuid: string };

/** The pattern the admin API accepts for a reference (checked again by parseAspirantRef). */
export const ASPIRANT_REF_PATTERN = '^(\\d{1,9}|\\+?[0-9 ()-]{8,24}|[A-Z]{2}\\.[0-9A-Za-z]{1,64})$';

/**
 * `42` → id 42 (up to 9 digits); `+573001234567`, `573001234567` → that phone; `3001234567` (10 digits starting with
 * 3, a Colombian mobile) → `+573001234567`; `CO.1502576394655843` → that BSUID. Spaces, dashes and parentheses are ignored.
 * @throws BadRequestError for anything else.
 */
export function parseAspirantRef(text: string): AspirantRef {
  const value = text.trim();
  if (/^[A-Z]{2}\.[0-9A-Za-z]{1,64}$/.test(value)) return { bsuid: value };
  const plus = value.startsWith('+');
  const digits = value.replace(/[\s()-]/g, '').replace(/^\+/, '');
  if (!/^\d+$/.test(digits)) throw new BadRequestError('Give an aspirant id (e.g. 42), her phone (e.g. +573001234567) or her BSUID.', 'ref');
  if (!plus && digits.length <= 9) return { id: Number(digits) };
  if (!plus && digits.length === 10 && digits.startsWith('3')) return { phone: `+57${digits}` };
  if (digits.length < 8 || digits.length > 15 || digits.startsWith('0')) throw new BadRequestError('A phone is + and 8 to 15 digits, e.g. +573001234567.', 'ref');
  return { phone: `+${digits}` };
}

/** What an admin sees of her before acting: who (id, name, number), and how much is held. */
export interface AspirantSummary {
  id: number;
  name: string | null;
  phone: string | null;
  whatsappId: string;
  email: string | null;
  createdAt: string;
  optedOut: boolean;
  counts: RowCounts;
}

/**
 * The aspirant `ref` names, summarised.
 * @throws NotFoundError when none; AppError ASPIRANT_ERASED (410) for an id that was erased.
 */
export async function findAspirant(db: Db, ref: AspirantRef): Promise<AspirantSummary> {
  const where =
    'id' in ref
      ? eq(aspirants.id, ref.id)
      : 'phone' in ref
        ? or(eq(aspirants.phone, ref.phone), eq(aspirants.whatsappId, ref.phone))
        : or(eq(aspirants.bsuid, ref.bsuid), eq(aspirants.whatsappId, ref.bsuid));
  const [row] = await db.select().from(aspirants).where(where).limit(1);
  if (!row) {
    const erased = 'id' in ref ? await erasureOf(db, ref.id) : null;
    if (erased) throw new AppError('ASPIRANT_ERASED', 410, `Aspirant ${'id' in ref ? ref.id : ''} was erased on ${erased.at.toISOString().slice(0, 10)}: nothing of her is left.`);
    throw new NotFoundError('id' in ref ? `Aspirant ${ref.id}` : 'An aspirant with that number');
  }
  const name = [row.firstName, row.lastName].filter(Boolean).join(' ') || row.whatsappName || null;
  return {
    id: row.id,
    name,
    phone: row.phone,
    whatsappId: row.whatsappId,
    email: row.email,
    createdAt: row.createdAt.toISOString(),
    optedOut: row.optedOutAt !== null,
    counts: (await heldCounts(db, row.id))!,
  };
}

/** Whether `typed` confirms acting on `summary`: her id, or her phone or key as parseAspirantRef reads them. */
export function confirms(summary: Pick<AspirantSummary, 'id' | 'phone' | 'whatsappId'>, typed: string): boolean {
  try {
    const ref = parseAspirantRef(typed);
    if ('id' in ref) return ref.id === summary.id;
    if ('phone' in ref) return ref.phone === summary.phone || ref.phone === summary.whatsappId;
    return ref.bsuid === summary.whatsappId;
  } catch {
    return false;
  }
}
