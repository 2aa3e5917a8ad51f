/** @module test/form-webhook.test — POST /webhooks/form: HMAC signature, JSON or urlencoded, 422 per field, idempotent ids. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { formSubmissions } from '../server/db/schema';
import { signFormWebhook } from '../server/routes/form-webhook';
import { testApp, type TestApp } from './support/app';
import { aspirantRow, aspirantWhoWrote, COMPLETE_FORM, signedToken, urlencoded } from './support/form';

const SECRET = 'webhook-secret-0123456789';

function send(t: TestApp, body: string, type = 'application/json', signature = signFormWebhook(SECRET, body)) {
  return t.request('/webhooks/form', { method: 'POST', headers: { 'content-type': type, 'x-wasap-signature': signature }, body });
}

async function submissions(t: TestApp, aspirantId: number) {
  return t.database.db.select().from(formSubmissions).where(eq(formSubmissions.aspirantId, aspirantId));
}

describe('form webhook', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('pglite', { env: { FORM_WEBHOOK_SECRET: SECRET } });
  });
  afterAll(async () => {
    await t[Symbol.asyncDispose]();
  });

  test('a signed JSON submission by whatsappId is stored and reaches the actor; a repeated submission id changes nothing', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573002220001');
    const body = JSON.stringify({
      ...COMPLETE_FORM,
      whatsappId: aspirant.whatsappId,
      preferredModelingTypes: 'fitness, Parts',
      hasKids: true,
      consentChildren: true,
      consent: 'sí',
      submissionId: 'typeform-abc-1',
    });
    const response = await send(t, body);
    expect(response.status).toBe(200);
    const first = (await response.json()) as Record<string, unknown>;
    expect(first).toEqual({ ok: true, aspirantId: aspirant.id, submissionId: expect.any(Number), duplicate: false });
    await t.services.conversations.registry.ask(aspirant.whatsappId, () => null);
    const row = await aspirantRow(t, aspirant.id);
    expect(row).toMatchObject({ firstName: 'Valentina', preferredModelingTypes: ['Fitness', 'Parts'], hasKids: true, locale: 'es' });
    expect(row.formSubmittedAt).toBeInstanceOf(Date);

    const changedBody = JSON.stringify({ ...JSON.parse(body), firstName: 'Otra' });
    const repeat = await send(t, changedBody);
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual({ ok: true, aspirantId: aspirant.id, submissionId: first.submissionId, duplicate: true });
    await t.services.conversations.registry.ask(aspirant.whatsappId, () => null);
    expect((await aspirantRow(t, aspirant.id)).firstName).toBe('Valentina');
    expect(await submissions(t, aspirant.id)).toHaveLength(1);
    expect((await submissions(t, aspirant.id))[0]).toMatchObject({ source: 'webhook', externalId: 'webhook:typeform-abc-1' });
  });

  test('form-encoded with the form token works too, and the locale field is honoured', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573002220002');
    const body = urlencoded({ ...COMPLETE_FORM, token: signedToken(t, aspirant.id), locale: 'en' });
    const response = await send(t, body, 'application/x-www-form-urlencoded');
    expect(response.status).toBe(200);
    await t.services.conversations.registry.ask(aspirant.whatsappId, () => null);
    expect(await aspirantRow(t, aspirant.id)).toMatchObject({ lastName: 'Gómez Restrepo', unavailableShifts: ['morning'], locale: 'en' });
  });

  test('a wrong, missing or malformed signature is 401 and stores nothing', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573002220003');
    const body = JSON.stringify({ ...COMPLETE_FORM, whatsappId: aspirant.whatsappId });
    for (const signature of [signFormWebhook('another-secret-123456', body), '', 'sha256=zz', signFormWebhook(SECRET, body).replace('sha256=', 'sha1=')]) {
      const response = await send(t, body, 'application/json', signature);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'FORM_SIGNATURE_INVALID' } });
    }
    // The signature covers the exact bytes: a re-serialised body does not verify.
    expect((await send(t, `${body} `, 'application/json', signFormWebhook(SECRET, body))).status).toBe(401);
    expect(await submissions(t, aspirant.id)).toHaveLength(0);
  });

  test('invalid fields are 422, each one named', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573002220004');
    const response = await send(t, JSON.stringify({ ...COMPLETE_FORM, whatsappId: aspirant.whatsappId, email: 'nope', preferredShift: 'night', consent: false }));
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string; fields: Record<string, string> } };
    expect(body.error.code).toBe('VALIDATION');
    expect(Object.keys(body.error.fields).sort()).toEqual(['consent', 'email', 'preferredShift']);
    expect(body.error.message).toBe('Invalid fields: email, preferredShift, consent.');

    const unknown = await send(t, JSON.stringify({ ...COMPLETE_FORM, whatsappId: '+573009999999' }));
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as typeof body).error.fields).toEqual({ whatsappId: 'no aspirant has written from this number' });
    const nobody = await send(t, JSON.stringify({ ...COMPLETE_FORM }));
    expect(((await nobody.json()) as typeof body).error.fields).toEqual({ token: 'give token (from the form link) or whatsappId' });
    const expired = await send(t, JSON.stringify({ ...COMPLETE_FORM, token: signedToken(t, aspirant.id, Date.now() - 30 * 86_400_000) }));
    expect(((await expired.json()) as typeof body).error.fields).toEqual({ token: 'the form link has expired' });
    expect((await send(t, '[1]')).status).toBe(400);
    expect((await send(t, 'a=b', 'text/plain')).status).toBe(415);
    expect(await submissions(t, aspirant.id)).toHaveLength(0);
  });

  test('without FORM_WEBHOOK_SECRET the webhook is off', async () => {
    await using off = await testApp();
    const response = await off.request('/webhooks/form', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'FORM_WEBHOOK_NOT_CONFIGURED' } });
  });
});
