/** @module test/form.test — the hosted form over app.handle(): links, errors beside fields, storage, the actor, limits, privacy. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { formSubmissions } from '../server/db/schema';
import { formRoutes } from '../server/routes/form';
import { testApp, type TestApp } from './support/app';
import { aspirantRow, aspirantWhoWrote, COMPLETE_FORM, formPathFor, signedToken, STORED_PROFILE, urlencoded } from './support/form';

const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

function post(t: TestApp, path: string, fields: Record<string, string | readonly string[]>, headers: Record<string, string> = {}) {
  return t.request(path, { method: 'POST', headers: { ...FORM, ...headers }, body: urlencoded(fields) });
}

/** The text of the error paragraph tied to a field (`#err-<name>`), tags removed. */
function fieldError(html: string, name: string): string {
  const match = new RegExp(`<p class="field-error" id="err-${name}"[^>]*>(.*?)</p>`, 's').exec(html);
  if (!match) throw new Error(`no #err-${name} in the page`);
  return match[1]!.replace(/<[^>]+>/g, '').trim();
}

describe('hosted form', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t[Symbol.asyncDispose]();
  });

  test('a valid link shows the form in Spanish, pre-filled from WhatsApp, private and escaped; ?lang=en switches', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573001110001', 'Ana <script>alert(1)</script> Ruiz');
    const { path } = await formPathFor(t, aspirant);
    const response = await t.request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('Tus datos para Wasap Talent');
    expect(html).toContain('value="Ana"');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('novalidate');
    expect(html).toContain(`href="http://localhost:3000/privacy"`);
    expect(html).toContain(`href="${path}?lang=en"`);
    // The sensitive block says it is optional and why each is asked; the page links her rights' request page.
    expect(html).toContain('Datos sensibles (opcional)');
    expect(html).toContain('saber si tienes hijos ayuda');
    expect(html).toMatch(/id="consentChildren" name="consentChildren" value="yes" aria-describedby/);
    expect(html).toContain('href="/privacy/request?lang=es&amp;token=');
    const english = await (await t.request(`${path}?lang=en`)).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('Your details for Wasap Talent');
    expect(english).toContain('<input type="hidden" name="locale" value="en"/>');
  });

  test('tampered, unknown, expired and junk links get the friendly page, the right status and no data', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573001110002', 'Bea Secreta');
    const token = signedToken(t, aspirant.id);
    const [v, id, exp, sig] = token.split('.');
    const cases: [string, number][] = [
      // Change the signature's last two characters to something they are not (a fixed "AA" is a no-op 1 time in 4,096).
      [[v, id, exp, `${sig!.slice(0, -2)}${sig!.endsWith('AA') ? 'BB' : 'AA'}`].join('.'), 404],
      [[v, String(Number(id) + 1000), exp, sig].join('.'), 404],
      [signedToken(t, 999_999), 404],
      [signedToken(t, aspirant.id, Date.now() - 10 * 86_400_000, 86_400_000), 410],
      ['not-a-token', 404],
      ['v1.' + 'x'.repeat(500), 404],
    ];
    for (const [bad, status] of cases) {
      for (const method of ['GET', 'POST']) {
        const response = await t.request(`/f/${bad}`, { method, headers: FORM, body: method === 'POST' ? urlencoded(COMPLETE_FORM) : undefined });
        expect(response.status).toBe(status);
        const html = await response.text();
        expect(html).toContain('pide un enlace nuevo');
        expect(html).not.toContain(bad);
        expect(html).not.toContain('Bea');
        expect(html).not.toContain('<form');
      }
    }
    const english = await t.request(`/f/${cases[0]![0]}`, { headers: { 'accept-language': 'en-US,en;q=0.8' } });
    expect(await english.text()).toContain('ask for a new link');
    expect(await t.database.db.select().from(formSubmissions)).toHaveLength(0);
  });

  test('an empty submit puts each error beside its field, keeps the values and stores nothing', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573001110003');
    const { path } = await formPathFor(t, aspirant);
    const response = await post(t, path, { locale: 'es', email: 'no-es-correo', notes: 'hola <b>' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(fieldError(html, 'firstName')).toBe('Error: Escribe tu nombre.');
    expect(fieldError(html, 'lastName')).toBe('Error: Escribe tus apellidos.');
    expect(fieldError(html, 'email')).toContain('Escribe un correo válido');
    expect(fieldError(html, 'location')).toBe('Error: Escribe tu ciudad o región.');
    expect(fieldError(html, 'preferredModelingTypes')).toBe('Error: Elige al menos un tipo de modelaje.');
    expect(fieldError(html, 'preferredShift')).toBe('Error: Elige tu horario preferido.');
    expect(fieldError(html, 'birthDate')).toBe('Error: Escribe tu fecha de nacimiento.');
    // Sensitive answers are optional (Law 1581 Art. 6): left out, they are no error.
    for (const field of ['hasKids', 'heightCm', 'consentChildren', 'consentMeasurements', 'consentPhotos']) expect(fieldError(html, field)).toBe('');
    expect(fieldError(html, 'consent')).toBe('Error: Necesitamos tu autorización para tratar tus datos.');
    expect(fieldError(html, 'unavailableShifts')).toBe('');
    expect(html).toContain('id="email" name="email" maxlength="254" aria-describedby="hint-email err-email" aria-invalid="true"');
    expect(html).toContain('value="no-es-correo"');
    expect(html).toContain('hola &lt;b&gt;</textarea>');
    expect(html).toContain('<a href="#firstName">Escribe tu nombre.</a>');
    const rows = await t.database.db.select().from(formSubmissions).where(eq(formSubmissions.aspirantId, aspirant.id));
    expect(rows).toHaveLength(0);
  });

  test('a complete submit is stored, reaches the actor, thanks the aspirant; re-submits keep history, double submits do not', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573001110004');
    const { path } = await formPathFor(t, aspirant);
    const nonce = crypto.randomUUID();
    const response = await post(t, path, { ...COMPLETE_FORM, locale: 'en', nonce });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${path}/thanks`);
    const again = await post(t, path, { ...COMPLETE_FORM, locale: 'en', nonce });
    expect(again.status).toBe(303);
    await t.services.conversations.registry.ask(aspirant.whatsappId, () => null);
    const row = await aspirantRow(t, aspirant.id);
    expect(row).toMatchObject({ ...STORED_PROFILE, locale: 'en' });
    expect(row.formSubmittedAt).toBeInstanceOf(Date);
    expect(row.consentAt).toBeInstanceOf(Date);
    expect(await t.database.db.select().from(formSubmissions).where(eq(formSubmissions.aspirantId, aspirant.id))).toHaveLength(1);

    const thanks = await t.request(`${path}/thanks`);
    expect(thanks.status).toBe(200);
    const text = await thanks.text();
    expect(text).toContain('Thank you, Valentina!');
    expect(text).toContain('we will ask you for a recent photo');
    expect(text).toContain('does not guarantee a job');

    const changed = await post(t, path, { ...COMPLETE_FORM, firstName: 'Vale', hasKids: 'yes', locale: 'es', nonce: crypto.randomUUID() });
    expect(changed.status).toBe(303);
    await t.services.conversations.registry.ask(aspirant.whatsappId, () => null);
    expect(await aspirantRow(t, aspirant.id)).toMatchObject({ firstName: 'Vale', hasKids: true, locale: 'es' });
    expect(await t.database.db.select().from(formSubmissions).where(eq(formSubmissions.aspirantId, aspirant.id))).toHaveLength(2);
    // The next visit starts from the latest version (consent is asked again).
    const page = await (await t.request(path)).text();
    expect(page).toContain('value="Vale"');
    // Her sensitive answers never come back in the page (her link sits in the chat), but her boxes stay ticked…
    expect(page).not.toMatch(/name="hasKids" value="yes" checked/);
    expect(page).not.toContain('value="175"');
    expect(page).toMatch(/name="consentChildren"[^>]*checked|checked[^>]*name="consentChildren"/);
    expect(page).not.toMatch(/id="consent"[^>]*checked/);
    // …and a ticked box left blank keeps the stored answer.
    const { hasKids: _kids, heightCm: _height, bustCm: _bust, waistCm: _waist, hipsCm: _hips, ...blank } = COMPLETE_FORM;
    expect((await post(t, path, { ...blank, firstName: 'Valen', nonce: crypto.randomUUID() })).status).toBe(303);
    await t.services.conversations.registry.ask(aspirant.whatsappId, () => null);
    expect(await aspirantRow(t, aspirant.id)).toMatchObject({ firstName: 'Valen', hasKids: true, measurements: STORED_PROFILE.measurements });
    // Unticked, the answer goes with the authorisation.
    expect((await post(t, path, { ...blank, consentChildren: [], consentMeasurements: [], nonce: crypto.randomUUID() })).status).toBe(303);
    await t.services.conversations.registry.ask(aspirant.whatsappId, () => null);
    expect(await aspirantRow(t, aspirant.id)).toMatchObject({ hasKids: null, measurements: null });
  });

  test('the inline check answers with one field’s error, in the page’s language', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573001110005');
    const { path } = await formPathFor(t, aspirant);
    const check = (field: string, fields: Record<string, string>) => post(t, `${path}/validate?field=${field}`, fields);
    const bad = await check('email', { email: 'x@', locale: 'en' });
    expect(bad.status).toBe(200);
    expect(await bad.text()).toBe('<span class="visually-hidden">Error: </span><span>Enter a valid email, like name@example.com, or leave it empty.</span>');
    expect(await (await check('email', { email: 'x@y.co' })).text()).toBe('');
    const multipart = new FormData();
    multipart.append('firstName', '');
    const viaHtmx = await t.request(`${path}/validate?field=firstName`, { method: 'POST', body: multipart });
    expect(await viaHtmx.text()).toContain('Escribe tu nombre.');
    expect(await (await check('consentChildren', { hasKids: 'yes', locale: 'en' })).text()).toContain('To keep your answer about children, tick this authorisation');
    expect(await (await check('consentChildren', { hasKids: 'yes', consentChildren: 'yes' })).text()).toBe('');
    expect(await (await check('heightCm', { heightCm: '3000', consentMeasurements: 'yes' })).text()).toContain('entre 100 y 230');
    expect((await check('bogus', {})).status).toBe(400);
    expect((await t.request('/f/v1.1.1.x/validate?field=email', { method: 'POST', headers: FORM, body: '' })).status).toBe(404);
  });

  test('the guardian block follows the date typed: shown under 18, empty for an adult, typed values kept', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573001110015');
    const { path } = await formPathFor(t, aspirant);
    const block = async (fields: Record<string, string>) => {
      const response = await post(t, `${path}/guardian`, fields);
      expect(response.status).toBe(200);
      return response.text();
    };
    const thisYear = new Date().getUTCFullYear();
    const minor = await block({ birthDate: `${thisYear - 15}-01-15`, guardianName: 'Yolanda <b>Zuluaga</b>', locale: 'en' });
    expect(minor).toContain('id="guardian-block"');
    expect(minor).toContain('name="guardianDocumentNumber"');
    expect(minor).toContain('Yolanda &lt;b&gt;Zuluaga&lt;/b&gt;');
    expect(minor).not.toContain('<b>Zuluaga');
    const adult = await block({ birthDate: `${thisYear - 30}-01-15`, guardianName: 'Yolanda' });
    expect(adult).toContain('id="guardian-block"');
    expect(adult).not.toContain('name="guardianName"');
    // Not a date yet: the block stays, marked as only for minors.
    expect(await block({ birthDate: '' })).toContain('name="guardianName"');
    expect((await t.request('/f/v1.1.1.x/guardian', { method: 'POST', headers: FORM, body: '' })).status).toBe(404);
  });

  test('submissions are limited per link and per address, with Retry-After', async () => {
    const aspirant = await aspirantWhoWrote(t, '+573001110006');
    let now = Date.now();
    const routes = formRoutes({
      config: t.config,
      db: t.database.db,
      conversations: t.services.conversations,
      now: () => now,
      limits: { perToken: { limit: 2, windowMs: 60_000 }, perIp: { limit: 4, windowMs: 60_000 } },
    });
    const submit = (token: string) => routes.handle(new Request(`http://localhost/f/${token}`, { method: 'POST', headers: FORM, body: urlencoded({ firstName: '' }) }));
    const token = signedToken(t, aspirant.id, now);
    expect((await submit(token)).status).toBe(422);
    expect((await submit(token)).status).toBe(422);
    const refused = await submit(token);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.text()).toContain('Demasiados intentos');
    const other = signedToken(t, aspirant.id, now - 1000);
    expect((await submit(other)).status).toBe(422);
    expect((await submit(other)).status).toBe(429);
    now += 60_001;
    expect((await submit(token)).status).toBe(422);
  });

  test('the privacy notice names the agency, the purpose and the Law 1581 rights, in both languages', async () => {
    await using named = await testApp('pglite', { env: { AGENCY_NAME: 'Élite <Models>' } });
    const es = await (await named.request('/privacy')).text();
    expect(es).toContain('Élite &lt;Models&gt; es responsable');
    expect(es).toContain('Ley 1581');
    expect(es).toMatch(/conocer, actualizar y rectificar/);
    expect(es).toContain('reclutamiento');
    const en = await (await named.request('/privacy?lang=en')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toMatch(/know, update and correct your data.*delete/);
  });

  test('the stylesheet is served', async () => {
    const css = await t.request('/assets/form.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });
});
