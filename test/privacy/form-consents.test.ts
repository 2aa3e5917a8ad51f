/**
 * @module test/privacy/form-consents.test — the consent ledger written by accepted form submissions (Law 1581 Art. 9,
 * Decree 1377 Art. 8: proof of each authorisation; Art. 6: sensitive data under their own authorisation; Art. 8 e:
 * revocation): hosted form and webhook, notice version and text hash, IP and User-Agent, duplicates, unticked scopes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { consents } from '../../server/db/schema';
import { consentsOf } from '../../server/privacy/consents';
import { currentNotice, publishNotice } from '../../server/privacy/notices';
import { signFormWebhook } from '../../server/routes/form-webhook';
import { testApp, type TestApp } from '../support/app';
import { aspirantRow, aspirantWhoWrote, COMPLETE_FORM, formPathFor, REQUIRED_ONLY_FORM, urlencoded } from '../support/form';

const SECRET = 'webhook-secret-0123456789';
const BROWSER = 'Mozilla/5.0 (Linux; Android 14) Chrome/131 Mobile';

/** Scope and decision of each row, oldest first (ids grow with insertion). */
async function ledger(t: TestApp, aspirantId: number) {
  const rows = await t.database.db.select().from(consents).where(eq(consents.aspirantId, aspirantId)).orderBy(consents.id);
  return rows;
}

describe('form submissions write the consent ledger', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Behind a trusted proxy, so the client address is the one the test names.
    t = await testApp('pglite', { env: { FORM_WEBHOOK_SECRET: SECRET, TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await t[Symbol.asyncDispose]();
  });

  function post(path: string, fields: Record<string, string | readonly string[]>, ip: string) {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip, 'user-agent': BROWSER };
    return t.request(path, { method: 'POST', headers, body: urlencoded(fields) });
  }

  test('hosted: treatment and each ticked scope on the notice in force; a double submit adds none; unticked scopes are revoked', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573004440001');
    const { path } = await formPathFor(t, aspirant);
    const v1 = await currentNotice(t.database.db, 'es');
    const nonce = crypto.randomUUID();
    expect((await post(path, { ...COMPLETE_FORM, locale: 'es', nonce }, '203.0.113.7')).status).toBe(303);
    const first = await ledger(t, aspirant.id);
    const evidence = { noticeVersion: 1, noticeSha256: v1.sha256, noticeLocale: 'es', channel: 'form', grantedBy: 'aspirant', ip: '203.0.113.7', userAgent: BROWSER };
    expect(first.map((r) => ({ scope: r.scope, decision: r.decision, purposes: r.purposes }))).toEqual([
      { scope: 'treatment', decision: 'authorisation', purposes: ['recruitment', 'contact'] },
      { scope: 'photos', decision: 'authorisation', purposes: ['photos'] },
      { scope: 'children', decision: 'authorisation', purposes: ['children'] },
      { scope: 'measurements', decision: 'authorisation', purposes: ['measurements'] },
    ]);
    for (const row of first) expect(row).toMatchObject(evidence);
    expect(new Set(first.map((r) => r.at.getTime())).size).toBe(1);

    // The same rendering sent twice (a double click): one submission, no second set of rows.
    expect((await post(path, { ...COMPLETE_FORM, locale: 'es', nonce }, '203.0.113.7')).status).toBe(303);
    expect(await ledger(t, aspirant.id)).toHaveLength(4);

    // A new notice, then a submission that keeps photos and unticks children and measurements.
    const v2 = await publishNotice(t.database.db, { es: { title: 'Aviso v2', body: 'Texto nuevo del aviso.' }, author: 'cli' });
    // /privacy, which the form links, shows the version the next rows point to.
    const shown = await (await t.request('/privacy?lang=es')).text();
    expect(shown).toContain('<h1>Aviso v2</h1>');
    expect(shown).toContain('Versión 2');
    expect(shown).toContain('<p>Texto nuevo del aviso.</p>');
    expect(shown).toContain('href="/privacy/request?lang=es"');
    await t.services.conversations.registry.ask(aspirant.whatsappId, () => null);
    const again = { ...REQUIRED_ONLY_FORM, consentPhotos: 'yes', locale: 'es', nonce: crypto.randomUUID() };
    expect((await post(path, again, '198.51.100.4')).status).toBe(303);
    const added = (await ledger(t, aspirant.id)).slice(4);
    expect(added.map((r) => [r.scope, r.decision, r.noticeVersion, r.noticeSha256, r.ip])).toEqual([
      ['treatment', 'authorisation', 2, v2.sha256, '198.51.100.4'],
      ['photos', 'authorisation', 2, v2.sha256, '198.51.100.4'],
      ['children', 'revocation', 2, v2.sha256, '198.51.100.4'],
      ['measurements', 'revocation', 2, v2.sha256, '198.51.100.4'],
    ]);
    expect(added.find((r) => r.decision === 'revocation')!.purposes).toEqual([]);
    // Her answers under the revoked scopes are no longer on her profile.
    await t.services.conversations.registry.ask(aspirant.whatsappId, () => null);
    expect(await aspirantRow(t, aspirant.id)).toMatchObject({ hasKids: null, measurements: null });

    // Nothing in force to revoke: a third submission with no sensitive box adds only treatment and photos' revocation.
    expect((await post(path, { ...REQUIRED_ONLY_FORM, locale: 'es', nonce: crypto.randomUUID() }, '198.51.100.4')).status).toBe(303);
    expect((await ledger(t, aspirant.id)).slice(8).map((r) => [r.scope, r.decision])).toEqual([
      ['treatment', 'authorisation'],
      ['photos', 'revocation'],
    ]);
  });

  test('hosted: an answer without its box is refused with the box’s error and writes nothing', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573004440002');
    const { path } = await formPathFor(t, aspirant);
    const response = await post(path, { ...REQUIRED_ONLY_FORM, hasKids: 'yes', waistCm: '60', locale: 'en', nonce: crypto.randomUUID() }, '203.0.113.8');
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('To keep your answer about children, tick this authorisation');
    expect(html).toContain('To keep your measurements, tick this authorisation');
    expect(await consentsOf(t.database.db, aspirant.id)).toEqual([]);
  });

  test('webhook: channel form_webhook, the IP and User-Agent the tool passes, the same rules; a repeated id adds none', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573004440003');
    const send = (fields: Record<string, unknown>) => {
      const body = JSON.stringify({ whatsappId: aspirant.whatsappId, ...fields });
      return t.request('/webhooks/form', { method: 'POST', headers: { 'content-type': 'application/json', 'x-wasap-signature': signFormWebhook(SECRET, body) }, body });
    };
    const noBox = await send({ ...REQUIRED_ONLY_FORM, hasKids: 'no', clientIp: 'nope' });
    expect(noBox.status).toBe(422);
    expect(((await noBox.json()) as { error: { fields: Record<string, string> } }).error.fields).toEqual({
      consentChildren: 'To keep your answer about children, tick this authorisation, or choose “I prefer not to say”.',
      clientIp: 'use an IPv4 or IPv6 address, or leave it out',
    });
    const fields = { ...REQUIRED_ONLY_FORM, consentMeasurements: true, heightCm: 170, locale: 'en', clientIp: '2001:db8::5', clientUserAgent: BROWSER, submissionId: 'tf-1' };
    expect((await send(fields)).status).toBe(200);
    expect((await send(fields)).status).toBe(200);
    const rows = await ledger(t, aspirant.id);
    const en = await currentNotice(t.database.db, 'en');
    expect(rows.map((r) => [r.scope, r.decision, r.channel, r.ip, r.userAgent, r.noticeVersion, r.noticeSha256])).toEqual([
      ['treatment', 'authorisation', 'form_webhook', '2001:db8::5', BROWSER, en.version, en.sha256],
      ['measurements', 'authorisation', 'form_webhook', '2001:db8::5', BROWSER, en.version, en.sha256],
    ]);
    await t.services.conversations.registry.ask(aspirant.whatsappId, () => null);
    expect(await aspirantRow(t, aspirant.id)).toMatchObject({ measurements: { heightCm: 170 }, hasKids: null });
  });
});
