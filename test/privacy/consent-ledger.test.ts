/** @module test/privacy/consent-ledger.test — the privacy notice's versions and the consent ledger on both drivers. */
import { describe, expect, test } from 'bun:test';
import { aspirants } from '../../server/db/schema';
import { consentsOf, inForce, isAuthorised, recordConsents, revokeConsent } from '../../server/privacy/consents';
import { currentNotice, noticeAt, NoticeInputError, publishNotice, sha256Hex } from '../../server/privacy/notices';
import { BUILTIN_NOTICE } from '../../server/privacy/builtin-notice';
import { drivers, testDatabase } from '../support/db';

describe.each(drivers)('privacy notices and consents on %s', (driver) => {
  test('the built-in version 1 is in force until an admin publishes; publishing bumps the version', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const v1 = await currentNotice(db, 'en');
    expect(v1).toMatchObject({ version: 1, locale: 'en', title: 'Privacy notice', author: 'builtin', publishedAt: null });
    // The hash is of the template, so it never changes with the agency's name.
    expect(v1.sha256).toBe(sha256Hex(BUILTIN_NOTICE.en.body));
    const v2 = await publishNotice(db, { es: { title: ' Aviso v2 ', body: 'Texto\r\nnuevo ' }, author: 'ana@example.com' });
    expect(v2).toMatchObject({ version: 2, locale: 'es', title: 'Aviso v2', body: 'Texto\nnuevo', sha256: sha256Hex('Texto\nnuevo') });
    // No English text in version 2: Spanish stands in.
    expect(await currentNotice(db, 'en')).toMatchObject({ version: 2, locale: 'es' });
    expect(await noticeAt(db, 1, 'es')).toMatchObject({ version: 1, title: 'Aviso de privacidad' });
    expect(await noticeAt(db, 9, 'es')).toBeUndefined();
    const v3 = await publishNotice(db, { es: { title: 'v3', body: 'tres' }, en: { title: 'v3 en', body: 'three' }, author: 'cli' });
    expect(v3.version).toBe(3);
    expect(await currentNotice(db, 'en')).toMatchObject({ version: 3, locale: 'en', body: 'three' });
    await expect(publishNotice(db, { es: { title: 'x', body: '  ' }, author: 'cli' })).rejects.toThrow(NoticeInputError);
  });

  test('the ledger keeps every decision; the latest per scope is in force; a revocation is a row', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const [a] = await db.insert(aspirants).values({ whatsappId: '+573001112233' }).returning();
    const notice = await currentNotice(db, 'es');
    await recordConsents(db, [
      { aspirantId: a!.id, scope: 'treatment', decision: 'authorisation', purposes: ['recruitment', 'contact'], notice, channel: 'form', ip: '203.0.113.9', userAgent: 'UA', at: new Date(1000) },
      { aspirantId: a!.id, scope: 'children', decision: 'authorisation', purposes: ['children'], notice, channel: 'form', at: new Date(1000) },
    ]);
    const revoked = await revokeConsent(db, { aspirantId: a!.id, scope: 'children', channel: 'recruiter', locale: 'es', at: new Date(2000) });
    expect(revoked).toMatchObject({ decision: 'revocation', purposes: [], noticeVersion: 1, noticeSha256: notice.sha256 });
    const now = await inForce(db, a!.id);
    expect(isAuthorised(now, 'treatment')).toBe(true);
    expect(isAuthorised(now, 'children')).toBe(false);
    expect(now.photos).toBeUndefined();
    expect(now.treatment).toMatchObject({ ip: '203.0.113.9', userAgent: 'UA', channel: 'form', noticeLocale: 'es' });
    expect((await consentsOf(db, a!.id)).map((r) => [r.scope, r.decision])).toEqual([
      ['children', 'revocation'],
      ['children', 'authorisation'],
      ['treatment', 'authorisation'],
    ]);
  });
});
