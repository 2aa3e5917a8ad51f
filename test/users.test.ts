/** @module test/users.test — user rules on both drivers: argon2id hashes, unique emails, disabling signs out. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { auditLog, sessions, users } from '../server/db/schema';
import { addUser, getUsers, setUserDisabled, setUserPassword, setUserPreferences } from '../server/services/users';
import { drivers, testDatabase } from './support/db';

const actor = { label: 'test' };

describe.each(drivers)('users on %s', (driver) => {
  test('addUser stores an argon2id hash that verifies, and never returns it', async () => {
    await using database = await testDatabase(driver);
    const user = await addUser(database.db, actor, { email: ' Ana@Agency.CO ', name: 'Ana', role: 'admin', password: 'correct horse' });
    expect(user).toMatchObject({ email: 'ana@agency.co', name: 'Ana', role: 'admin', disabled: false });
    expect(user).not.toHaveProperty('passwordHash');
    const [row] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(row?.passwordHash.startsWith('$argon2id$')).toBe(true);
    expect(await Bun.password.verify('correct horse', row!.passwordHash)).toBe(true);
    expect((await database.db.select().from(auditLog)).map((a) => a.action)).toEqual(['user.created']);
  });

  test('bad input is refused with the field named; a duplicate email conflicts', async () => {
    await using database = await testDatabase(driver);
    const base = { email: 'a@b.co', name: 'A', role: 'recruiter', password: 'long enough pw' };
    await expect(addUser(database.db, actor, { ...base, email: 'nope' })).rejects.toMatchObject({ code: 'USER_INVALID', field: 'email' });
    await expect(addUser(database.db, actor, { ...base, password: 'short' })).rejects.toMatchObject({ field: 'password' });
    await expect(addUser(database.db, actor, { ...base, role: 'owner' })).rejects.toMatchObject({ field: 'role' });
    await addUser(database.db, actor, base);
    await expect(addUser(database.db, actor, { ...base, email: 'A@B.co' })).rejects.toMatchObject({ code: 'USER_EXISTS', status: 409 });
    expect((await getUsers(database.db)).length).toBe(1);
  });

  test("a user's language and time zone default to Spanish and Colombia's, are checked, and their change is audited", async () => {
    await using database = await testDatabase(driver);
    const base = { email: 'l@b.co', name: 'L', role: 'recruiter', password: 'long enough pw' };
    await expect(addUser(database.db, actor, { ...base, locale: 'fr' })).rejects.toMatchObject({ field: 'locale' });
    await expect(addUser(database.db, actor, { ...base, timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ field: 'timeZone' });
    expect(await addUser(database.db, actor, base)).toMatchObject({ locale: 'es', timeZone: 'America/Bogota' });
    await expect(setUserPreferences(database.db, actor, 'l@b.co', {})).rejects.toMatchObject({ code: 'USER_INVALID' });
    expect(await setUserPreferences(database.db, actor, 'L@B.co', { locale: 'en' })).toMatchObject({ locale: 'en', timeZone: 'America/Bogota' });
    // Stored as Intl spells the zone; a bare offset is refused.
    expect(await setUserPreferences(database.db, actor, 'l@b.co', { timeZone: ' europe/madrid ' })).toMatchObject({ locale: 'en', timeZone: 'Europe/Madrid' });
    await expect(setUserPreferences(database.db, actor, 'l@b.co', { timeZone: '+05:00' })).rejects.toMatchObject({ field: 'timeZone' });
    await expect(setUserPreferences(database.db, actor, 'nobody@b.co', { locale: 'en' })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    const audit = await database.db.select().from(auditLog);
    expect(audit.filter((a) => a.action === 'user.preferences_changed').map((a) => a.details)).toEqual([{ locale: 'en' }, { timeZone: 'Europe/Madrid' }]);
  });

  test('disabling or changing the password signs the user out everywhere', async () => {
    await using database = await testDatabase(driver);
    const user = await addUser(database.db, actor, { email: 'r@b.co', name: 'R', role: 'recruiter', password: 'long enough pw' });
    const session = { userId: user.id, csrfToken: 'c', expiresAt: new Date(Date.now() + 60_000) };
    await database.db.insert(sessions).values({ ...session, tokenHash: 'one' });
    expect((await setUserDisabled(database.db, actor, 'r@b.co', true)).disabled).toBe(true);
    expect(await database.db.select().from(sessions)).toEqual([]);
    await database.db.insert(sessions).values({ ...session, tokenHash: 'two' });
    await setUserPassword(database.db, actor, 'R@B.CO', 'another long one');
    expect(await database.db.select().from(sessions)).toEqual([]);
    await expect(setUserDisabled(database.db, actor, 'ghost@b.co', true)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});
