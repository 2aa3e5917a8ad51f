/** @module test/privacy/minors-support — a minor who wrote and filled in the hosted form with her guardian's details, and what the bot sent her. */
import { and, asc, desc, eq } from 'drizzle-orm';
import { resolveSecret } from '../../server/config';
import { conversations, guardians, messages } from '../../server/db/schema';
import { createGuardianToken } from '../../server/privacy/guardian-token';
import type { TestApp } from '../support/app';
import { aspirantWhoWrote, COMPLETE_FORM, formPathFor, urlencoded } from '../support/form';

/** A 16-year-old's form (born 2010) with her mother's details; the document number typed with separators. */
export const MINOR_FORM = {
  ...COMPLETE_FORM,
  firstName: 'Sofía',
  lastName: 'Restrepo Vélez',
  birthDate: '2010-05-01',
  guardianName: 'Marta Vélez',
  guardianDocumentType: 'CC',
  guardianDocumentNumber: '1.023.456.789',
  guardianRelationship: 'mother',
  guardianPhone: '+57 300 123 9999',
} as const;

export const GUARDIAN_DOCUMENT = '1023456789';

const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

export function postForm(t: TestApp, path: string, fields: Record<string, string | readonly string[]>, headers: Record<string, string> = {}) {
  return t.request(path, { method: 'POST', headers: { ...FORM, ...headers }, body: urlencoded(fields) });
}

/** She writes "Hola", sends the minor's form through /f/:token; resolves once her actor handled it. */
export async function minorWhoFilledTheForm(t: TestApp, number: string, fields: Record<string, string> = {}) {
  const aspirant = await aspirantWhoWrote(t, number, 'Sofi');
  const { path } = await formPathFor(t, aspirant);
  const response = await postForm(t, path, { ...MINOR_FORM, ...fields });
  if (response.status !== 303) throw new Error(`the form answered ${response.status}: ${await response.text()}`);
  await t.services.conversations.registry.ask(number, () => null);
  const [conversation] = await t.database.db.select().from(conversations).where(eq(conversations.aspirantId, aspirant.id));
  const [guardian] = await t.database.db.select().from(guardians).where(eq(guardians.aspirantId, aspirant.id)).orderBy(desc(guardians.id));
  if (!conversation || !guardian) throw new Error('no conversation or guardian after a minor’s form');
  return { aspirant, conversation, guardian, number };
}

/** The guardian's page path, signed as the link service signs it (at `now`). */
export function guardianPath(t: TestApp, guardianId: number, now = Date.now(), ttlMs = t.config.guardianLinkTtlMs): string {
  return `/g/${createGuardianToken(resolveSecret(t.config), guardianId, now, ttlMs)}`;
}

/** The keys of the script messages the bot sent in a conversation, in order. */
export async function botKeys(t: TestApp, conversationId: number): Promise<string[]> {
  const rows = await t.database.db
    .select({ extra: messages.extra })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.sender, 'bot')))
    .orderBy(asc(messages.id));
  return rows.map((row) => String((row.extra as { messageKey?: string } | null)?.messageKey ?? ''));
}

export async function statusOf(t: TestApp, conversationId: number): Promise<string> {
  const [row] = await t.database.db.select({ status: conversations.status }).from(conversations).where(eq(conversations.id, conversationId));
  return row!.status;
}
