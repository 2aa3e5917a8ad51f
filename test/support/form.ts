/** @module test/support/form — an aspirant who wrote on WhatsApp, their form link, and the answers a complete form gives. */
import { and, asc, eq, like } from 'drizzle-orm';
import { resolveSecret } from '../../server/config';
import { findAspirantByWhatsappId, type Aspirant } from '../../server/db/queries/aspirants';
import { aspirants, conversations, messages } from '../../server/db/schema';
import { createFormToken } from '../../server/forms/link';
import type { TestApp } from './app';

let counter = 0;

/** The aspirant writes "Hola" through the webhook's own path; resolves once their actor has handled it. */
export async function aspirantWhoWrote(t: TestApp, number: string, profileName = 'Valentina Gómez'): Promise<Aspirant> {
  const sid = `SMform${(++counter).toString().padStart(4, '0')}${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
  await t.services.conversations.acceptInbound({
    messageSid: sid,
    from: { phone: number },
    body: 'Hola',
    profileName,
    media: [],
    content: { kind: 'text' },
    raw: {},
  });
  await t.services.conversations.registry.ask(number, () => null);
  const aspirant = await findAspirantByWhatsappId(t.database.db, number);
  if (!aspirant) throw new Error(`no aspirant row for ${number} after an inbound message`);
  return aspirant;
}

/** The path of the form link in the bot's message when the bot sent one, else a link signed here. */
export async function formPathFor(t: TestApp, aspirant: Aspirant): Promise<{ path: string; fromBot: boolean }> {
  const [sent] = await t.database.db
    .select({ body: messages.body })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.aspirantId, aspirant.id), eq(messages.sender, 'bot'), like(messages.body, '%/f/v1.%')))
    .orderBy(asc(messages.id))
    .limit(1);
  const fromBot = sent ? /\/f\/v1\.[A-Za-z0-9._-]+/.exec(sent.body)?.[0] : undefined;
  if (fromBot) return { path: fromBot, fromBot: true };
  return { path: `/f/${signedToken(t, aspirant.id)}`, fromBot: false };
}

export function signedToken(t: TestApp, aspirantId: number, now = Date.now(), ttlMs = t.config.formLinkTtlMs): string {
  return createFormToken(resolveSecret(t.config), aspirantId, now, ttlMs);
}

/** An adult's date of birth (28 in 2026), so the form takes her own authorisation, with no guardian. */
export const ADULT_BIRTH_DATE = '1998-05-14';

/** Every field of the form, filled in by an adult who authorises every sensitive scope (Law 1581 Art. 6). */
export const COMPLETE_FORM = {
  firstName: 'Valentina',
  lastName: 'Gómez Restrepo',
  email: 'vale@example.co',
  location: 'Medellín, Antioquia',
  preferredModelingTypes: ['Runway', 'Commercial'],
  consentPhotos: 'yes',
  consentChildren: 'yes',
  hasKids: 'no',
  consentMeasurements: 'yes',
  heightCm: '175',
  bustCm: '86',
  waistCm: '62',
  hipsCm: '90',
  preferredShift: 'afternoon',
  unavailableShifts: ['morning'],
  notes: 'Tengo book.',
  birthDate: ADULT_BIRTH_DATE,
  consent: 'yes',
} as const;

/** COMPLETE_FORM without any sensitive answer or box: the least the form accepts from an adult. */
export const REQUIRED_ONLY_FORM = {
  firstName: COMPLETE_FORM.firstName,
  lastName: COMPLETE_FORM.lastName,
  location: COMPLETE_FORM.location,
  preferredModelingTypes: COMPLETE_FORM.preferredModelingTypes,
  preferredShift: COMPLETE_FORM.preferredShift,
  birthDate: ADULT_BIRTH_DATE,
  consent: 'yes',
} as const;

/** The aspirant row's fields after COMPLETE_FORM is stored (locale aside). */
export const STORED_PROFILE = {
  firstName: 'Valentina',
  lastName: 'Gómez Restrepo',
  email: 'vale@example.co',
  location: 'Medellín, Antioquia',
  preferredModelingTypes: ['Runway', 'Commercial'],
  hasKids: false,
  measurements: { heightCm: 175, bustCm: 86, waistCm: 62, hipsCm: 90 },
  birthDate: ADULT_BIRTH_DATE,
  preferredShift: 'afternoon',
  unavailableShifts: ['morning'],
  notes: 'Tengo book.',
};

export function urlencoded(fields: Record<string, string | readonly string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const one of typeof value === 'string' ? [value] : value) params.append(key, one);
  return params.toString();
}

export async function aspirantRow(t: TestApp, id: number): Promise<Aspirant> {
  const [row] = await t.database.db.select().from(aspirants).where(eq(aspirants.id, id));
  return row!;
}
