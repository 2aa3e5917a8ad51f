/**
 * @module server/services/canned — canned responses as a recruiter picks them: their {firstName}, {whatsappName},
 * {agencyName} and {formLink} filled for the aspirant of the open conversation, with the bot's own rules
 * (actors/bot renderTemplate: a name missing becomes '', never a raw placeholder; the link is signed for her).
 */
import { asc } from 'drizzle-orm';
import { renderTemplate } from '../../actors/bot/text';
import type { Db } from '../db/client';
import { findAspirantByWhatsappId } from '../db/queries/aspirants';
import { cannedResponses } from '../db/schema';
import { createFormToken, formLink } from '../forms/link';

/** The variables a canned response may use (the admin page refuses any other). */
export const CANNED_VARIABLES: readonly string[] = ['firstName', 'whatsappName', 'agencyName', 'formLink'];

/** What fills the variables: the agency's name, and how form links are signed (server/config botSettings). */
export interface CannedSettings {
  secret: string;
  publicUrl: string;
  ttlMs: number;
  agencyName: string;
}

export interface FilledCanned {
  id: number;
  title: string;
  /** The text as it will be sent to this aspirant. */
  body: string;
}

/**
 * What `{firstName}` (and a template's first-name placeholder) says: her first name from the form, else, before the
 * form, her WhatsApp profile name's first word ("Hola Sofía", not "Hola Sofía Peña Ruiz"); '' when neither is known.
 */
export function firstNameOf(aspirant: { firstName?: string | null; whatsappName?: string | null }): string {
  return aspirant.firstName?.trim() || aspirant.whatsappName?.trim().split(/\s+/)[0] || '';
}

/** Every canned response, filled for the aspirant writing from `number` at `now` (ms); unfilled without settings. */
export async function cannedFor(db: Db, settings: CannedSettings | undefined, number: string | undefined, now: number): Promise<FilledCanned[]> {
  // By title, as the admin page lists them: the ⚡ menu and the `/` list keep one order.
  const rows = await db.select({ id: cannedResponses.id, title: cannedResponses.title, body: cannedResponses.body }).from(cannedResponses).orderBy(asc(cannedResponses.title), asc(cannedResponses.id));
  if (!settings || !number || rows.every((row) => !row.body.includes('{'))) return rows;
  const aspirant = await findAspirantByWhatsappId(db, number);
  const values = {
    firstName: firstNameOf(aspirant ?? {}),
    whatsappName: aspirant?.whatsappName?.trim() ?? '',
    agencyName: settings.agencyName,
    formLink: aspirant ? formLink(settings.publicUrl, createFormToken(settings.secret, aspirant.id, now, settings.ttlMs)) : '',
  };
  return rows.map((row) => ({ ...row, body: renderTemplate(row.body, values).trim() }));
}
