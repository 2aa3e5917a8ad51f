/** @module test/privacy/support — signed-in people and form posts for the personal-data route tests (app.handle). */
import { eq } from 'drizzle-orm';
import { createSession } from '../../server/auth/sessions';
import { insertUser, toPublicUser } from '../../server/db/queries/users';
import { users } from '../../server/db/schema';
import type { TestApp } from '../support/app';

export interface Person {
  id: number;
  email: string;
  cookie: string;
  csrf: string;
}

/** A user with a live session (English pages, Bogotá time unless `timeZone`). */
export async function person(t: TestApp, name: string, role: 'admin' | 'recruiter', extra: { sensitiveAccess?: boolean; timeZone?: string } = {}): Promise<Person> {
  const email = `${name.toLowerCase()}@agency.co`;
  const user = toPublicUser(await insertUser(t.database.db, { email, name, role, passwordHash: 'x', locale: 'en', timeZone: extra.timeZone }));
  if (extra.sensitiveAccess) await t.database.db.update(users).set({ sensitiveAccess: true }).where(eq(users.id, user.id));
  const session = await createSession(t.database.db, user.id, new Date());
  return { id: user.id, email, cookie: `wasap_session=${session.token}`, csrf: session.csrfToken };
}

export function get(t: TestApp, who: Person | undefined, path: string): Promise<Response> {
  return t.request(path, { headers: { accept: 'text/html', ...(who ? { cookie: who.cookie } : {}) } });
}

/** A form post; `csrf: false` leaves the token out. */
export function post(t: TestApp, who: Person, path: string, fields: Record<string, string>, csrf = true): Promise<Response> {
  const body = new URLSearchParams(csrf ? { ...fields, _csrf: who.csrf } : fields);
  return t.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: who.cookie }, body });
}
