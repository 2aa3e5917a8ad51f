/**
 * @module test/privacy/notice-admin.test — the admin's privacy-notice page through app.handle: admins only, CSRF,
 * prefilled with the text in force, publishing N+1 audited without personal data, refusals kept in the form; and the
 * public `/privacy?version=N` for each version, 404 for one never published.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../server/db/schema';
import { currentVersion, noticeAt, TITLE_MAX } from '../../server/privacy/notices';
import { testApp } from '../support/app';
import { drivers } from '../support/db';
import { get, person, post } from './support';

describe.each(drivers)('the privacy notice pages on %s', (driver) => {
  test('an admin sees the versions, publishes version 2 from the prefilled text, and each version stays public', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const boss = await person(t, 'Boss', 'admin');
    const rita = await person(t, 'Rita', 'recruiter');
    const { db } = t.database;

    const page = await get(t, boss, '/admin/privacy/notice');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('aria-current="page">Privacy notice</a>');
    expect(html).toContain('href="/privacy?version=1&lang=es"');
    expect(html).toContain('Publish version 2');
    // Prefilled with the text in force (version 1, the built-in one), both languages.
    expect(html).toContain('name="esTitle" maxlength="200" required value="Aviso de privacidad"');
    expect(html).toContain('value="Privacy notice"');

    // Recruiters and strangers get nothing; a post without the CSRF token changes nothing.
    expect((await get(t, rita, '/admin/privacy/notice')).status).toBe(403);
    expect((await get(t, undefined, '/admin/privacy/notice')).status).toBe(303);
    const fields = { esTitle: 'Aviso <v2>', esBody: '# Qué guardamos\nTu nombre y {agencyName}.\n\nOtro párrafo', enTitle: '', enBody: '' };
    expect((await post(t, rita, '/admin/privacy/notice', fields)).status).toBe(403);
    expect((await post(t, boss, '/admin/privacy/notice', fields, false)).status).toBe(403);
    expect(await currentVersion(db)).toBe(1);

    const published = await post(t, boss, '/admin/privacy/notice', fields);
    expect(published.status).toBe(303);
    expect(published.headers.get('location')).toBe('/admin/privacy/notice?published=2');
    expect(await currentVersion(db)).toBe(2);
    expect(await noticeAt(db, 2, 'en')).toMatchObject({ locale: 'es', title: 'Aviso <v2>', author: 'boss@agency.co' });
    const audit = await db.select().from(auditLog).where(eq(auditLog.action, 'privacy.notice_published'));
    expect(audit.map((a) => ({ actor: a.actor, targetType: a.targetType, targetId: a.targetId, details: a.details }))).toEqual([
      { actor: 'boss@agency.co', targetType: 'privacy_notice', targetId: '2', details: { version: 2, locales: ['es'], sha256: (await noticeAt(db, 2, 'es'))!.sha256 } },
    ]);
    const after = await (await get(t, boss, '/admin/privacy/notice?published=2')).text();
    expect(after).toContain('Version 2 published.');
    expect(after).toContain('Aviso &lt;v2&gt;');
    expect(after).toContain('Publish version 3');

    // The public pages: version 2 (escaped, headings, the agency's name), version 1 still there, 404 for the rest.
    const v2 = await t.request('/privacy?version=2&lang=es');
    expect(v2.status).toBe(200);
    const text = await v2.text();
    expect(text).toContain('<h1>Aviso &lt;v2&gt;</h1>');
    expect(text).toContain('<h2>Qué guardamos</h2>');
    expect(text).toContain(`Tu nombre y ${t.config.agencyName}.`);
    expect(text).toContain('Versión 2');
    expect(await (await t.request('/privacy?version=1&lang=en')).text()).toContain('Version 1');
    for (const version of ['3', '0', '-1', 'abc', '1e3', '99999999999']) {
      const missing = await t.request(`/privacy?version=${version}&lang=en`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toContain('There is no such version of the privacy notice.');
    }
    // Without ?version the page is as before.
    expect((await t.request('/privacy')).status).toBe(200);
  });

  test('a refusal keeps what the admin typed and names the field; nothing is published', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const boss = await person(t, 'Boss', 'admin');
    const tooLong = 'T'.repeat(TITLE_MAX + 1);
    const refused = await post(t, boss, '/admin/privacy/notice', { esTitle: 'Aviso', esBody: 'Cuerpo', enTitle: tooLong, enBody: 'Body' });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('Write the title in English (at most 200 characters).');
    expect(html).toContain('id="notice-en-title-error"');
    expect(html).toContain(`value="${tooLong}"`);
    const empty = await post(t, boss, '/admin/privacy/notice', { esTitle: 'Aviso', esBody: '   ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Write the text in Spanish');
    expect(await currentVersion(t.database.db)).toBe(1);
  });
});
