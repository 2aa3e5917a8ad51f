/**
 * @module server/privacy/minor-photos — a minor's photos and videos are held back until her guardian authorises
 * (Law 1581 Art. 7; Decree 1377 Art. 12): not shown in the chat or the panel, and refused by GET /media/:id.
 *
 * She is a minor when her date of birth makes her under 18 on the Bogotá day her latest form was submitted (a later
 * form sent as an adult gives her own authorisation); the hold ends when her newest guardian's authorisation is recorded.
 */
import { desc, eq } from 'drizzle-orm';
import type { MediaKind } from '../../actors/vocabulary';
import type { Db } from '../db/client';
import { aspirants, conversations, guardians, media, messages } from '../db/schema';
import { isMinorAt } from '../forms/validate-minor';

/** The kinds of media that show her (images are personal data, a face or body biometric-sensitive). */
export const HELD_KINDS: readonly MediaKind[] = ['image', 'video'];

export function isHeldKind(kind: string | null | undefined): boolean {
  return (HELD_KINDS as readonly (string | null | undefined)[]).includes(kind);
}

/** Whether the conversation's photos and videos are held: she is a minor and her newest guardian has not authorised. */
export async function photosHeld(db: Db, conversationId: number): Promise<boolean> {
  const [row] = await db
    .select({ aspirantId: aspirants.id, birthDate: aspirants.birthDate, submittedAt: aspirants.formSubmittedAt })
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .where(eq(conversations.id, conversationId));
  if (!row?.birthDate || !isMinorAt(row.birthDate, row.submittedAt ?? new Date())) return false;
  const [guardian] = await db
    .select({ authorisedAt: guardians.authorisedAt })
    .from(guardians)
    .where(eq(guardians.aspirantId, row.aspirantId))
    .orderBy(desc(guardians.createdAt), desc(guardians.id))
    .limit(1);
  return !guardian?.authorisedAt;
}

/** The same media list with each photo or video marked `held` when the conversation's are (chat pages and pushed bubbles). */
export async function holdMinorsMedia<M extends { media: { kind?: MediaKind; held?: boolean }[] }>(db: Db, conversationId: number, messages: M[]): Promise<M[]> {
  if (!messages.some((m) => m.media.some((item) => isHeldKind(item.kind)))) return messages;
  if (!(await photosHeld(db, conversationId))) return messages;
  return messages.map((m) => ({ ...m, media: m.media.map((item) => (isHeldKind(item.kind) ? { ...item, held: true } : item)) }));
}

/** Whether one stored file is a held photo or video (GET /media/:id refuses it with 403). */
export async function mediaHeld(db: Db, mediaId: number, conversationId: number): Promise<boolean> {
  const [row] = await db.select({ kind: media.kind, messageKind: messages.kind }).from(media).innerJoin(messages, eq(messages.id, media.messageId)).where(eq(media.id, mediaId));
  if (!row || !isHeldKind(row.kind ?? row.messageKind)) return false;
  return photosHeld(db, conversationId);
}
