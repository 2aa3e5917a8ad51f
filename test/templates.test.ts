/**
 * @module test/templates.test — templates from the provider: synced from the fake Twilio's Content API (paged,
 * added, changed, withdrawn; a failed listing keeps the table), TWILIO_TEMPLATES as the fallback, and the sync the
 * server runs at start.
 */
import { describe, expect, test } from 'bun:test';
import { asc, eq } from 'drizzle-orm';
import { auditLog, templates } from '../server/db/schema';
import { approvedTemplates, syncTemplates, TemplateSyncError } from '../server/services/templates';
import { testApp } from './support/app';
import { drivers } from './support/db';
import { startFakeTwilio } from './support/fake-twilio';
import { textContent } from './support/fake-twilio-content';
import { twilioEnv } from './support/twilio-env';

const FALLBACK = { sid: `HX${'f'.repeat(32)}`, name: 'Respaldo', preview: 'Hola {{1}}, seguimos en contacto.' };

/** The stored rows as the composer and the CLI read them, by name. */
async function stored(t: Awaited<ReturnType<typeof testApp>>) {
  const rows = await t.database.db.select().from(templates).orderBy(asc(templates.name));
  return rows.map(({ provider, ref, name, language, category, status, body, variables, listed }) => ({ provider, ref, name, language, category, status, body, variables, listed }));
}

describe.each(drivers)('template sync on %s', (driver) => {
  test('copies every page of ContentAndApprovals; a second sync adds, updates and withdraws; a failed listing changes nothing', async () => {
    await using fake = startFakeTwilio({ contentPageSize: 2 });
    const follow = textContent({ name: 'Seguimiento', body: 'Hola {{1}}, ¿seguimos?', variables: { 1: 'Nombre' } });
    const visit = textContent({ name: 'Cita', body: 'Tu cita es el {{1}} a las {{2}}', status: 'pending', category: 'MARKETING', nested: true, language: 'es_CO' });
    const draft = textContent({ name: 'Borrador', body: 'Sin enviar', status: null });
    fake.contents.push(follow, visit, draft);
    await using t = await testApp(driver, { env: { ...twilioEnv(fake), TWILIO_TEMPLATES: JSON.stringify([FALLBACK]) }, overrides: { bot: false }, noStart: true });
    const { db } = t.database;
    const provider = t.services.provider;

    expect(await syncTemplates(db, provider, { actor: 'tester' })).toEqual({ provider: 'twilio', supported: true, added: 3, updated: 0, removed: 0, listed: 3 });
    // Two pages: the second through meta.next_page_url (content.twilio.com), rebased onto the fake, with its token.
    expect(fake.contentRequests.map((r) => [r.authorized, r.query.Page ?? '0', r.query.PageToken ?? ''])).toEqual([
      [true, '0', ''],
      [true, '1', 'PT1'],
    ]);
    const base = { provider: 'twilio', listed: true };
    expect(await stored(t)).toEqual([
      { ...base, ref: draft.sid, name: 'Borrador', language: 'es', category: null, status: 'unsubmitted', body: 'Sin enviar', variables: [] },
      { ...base, ref: visit.sid, name: 'Cita', language: 'es_CO', category: 'marketing', status: 'pending', body: 'Tu cita es el {{1}} a las {{2}}', variables: ['1', '2'] },
      { ...base, ref: follow.sid, name: 'Seguimiento', language: 'es', category: 'utility', status: 'approved', body: 'Hola {{1}}, ¿seguimos?', variables: ['1'] },
    ]);
    // Only the approved one is offered, and the provider's list replaces the TWILIO_TEMPLATES fallback.
    expect((await approvedTemplates(db, provider, [FALLBACK])).map((o) => [o.name, o.source])).toEqual([['Seguimiento', 'provider']]);

    // At the provider: the visit is approved, the draft deleted, a welcome created.
    visit.approval_requests = { whatsapp: { status: 'approved', category: 'UTILITY' } };
    fake.contents.splice(fake.contents.indexOf(draft), 1);
    const welcome = textContent({ name: 'Bienvenida', body: 'Hola {{first_name}}' });
    fake.contents.push(welcome);
    expect(await syncTemplates(db, provider, { actor: 'tester' })).toEqual({ provider: 'twilio', supported: true, added: 1, updated: 1, removed: 1, listed: 3 });
    const after = await stored(t);
    // The deleted one stays for history, no longer listed nor offered.
    expect(after.find((row) => row.ref === draft.sid)).toMatchObject({ listed: false, status: 'unsubmitted' });
    expect(after.find((row) => row.ref === visit.sid)).toMatchObject({ listed: true, status: 'approved', category: 'utility' });
    expect((await approvedTemplates(db, provider, [FALLBACK])).map((o) => o.name)).toEqual(['Bienvenida', 'Cita', 'Seguimiento']);
    expect(await syncTemplates(db, provider, { actor: 'tester' })).toMatchObject({ added: 0, updated: 0, removed: 0, listed: 3 });

    // Twilio fails, on the first page or the second: the error says so, and the table is as it was.
    const before = await stored(t);
    fake.respondToContentWith(() => 503);
    const failed = await syncTemplates(db, provider, { actor: 'tester' }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(TemplateSyncError);
    expect((failed as Error).message).toStartWith('twilio did not list its templates (');
    fake.respondToContentWith((r) => (r.query.Page === '1' ? 500 : undefined));
    await expect(syncTemplates(db, provider, { actor: 'tester' })).rejects.toBeInstanceOf(TemplateSyncError);
    expect(await stored(t)).toEqual(before);

    // Each sync an admin asked for is audited, with its counts; failed ones wrote nothing.
    const audited = await db.select().from(auditLog).where(eq(auditLog.action, 'templates.synced')).orderBy(asc(auditLog.id));
    expect(audited.map((a) => [a.actor, a.targetType, a.targetId, a.details])).toEqual([
      ['tester', 'templates', 'twilio', { added: 3, updated: 0, removed: 0, listed: 3 }],
      ['tester', 'templates', 'twilio', { added: 1, updated: 1, removed: 1, listed: 3 }],
      ['tester', 'templates', 'twilio', { added: 0, updated: 0, removed: 0, listed: 3 }],
    ]);
  });
});

describe('the TWILIO_TEMPLATES fallback', () => {
  test('offered while the provider lists none: the simulator (no list), Twilio before its first sync; never for Meta', async () => {
    await using t = await testApp('pglite', { env: { TWILIO_TEMPLATES: JSON.stringify([FALLBACK]) }, overrides: { bot: false }, noStart: true });
    const { db } = t.database;
    expect(t.services.provider.name).toBe('simulator');
    expect(await syncTemplates(db, t.services.provider)).toEqual({ provider: 'simulator', supported: false, added: 0, updated: 0, removed: 0, listed: 0 });
    const offered = [{ ref: FALLBACK.sid, name: 'Respaldo', language: '', category: null, body: FALLBACK.preview, variables: ['1'], source: 'fallback' as const }];
    expect(await approvedTemplates(db, t.services.provider, t.config.templates)).toEqual(offered);
    expect(await approvedTemplates(db, { name: 'twilio' }, t.config.templates)).toEqual(offered);
    expect(await approvedTemplates(db, { name: 'meta' }, t.config.templates)).toEqual([]);
    // A provider whose list holds only templates not yet approved offers none, rather than the fallback.
    const pending = { ref: `HX${'1'.repeat(32)}`, name: 'Pendiente', language: 'es', category: null, status: 'pending', body: 'x', variables: [] };
    await syncTemplates(db, { name: 'twilio', listTemplates: async () => [pending] });
    expect(await approvedTemplates(db, { name: 'twilio' }, t.config.templates)).toEqual([]);
  });

  test('what a provider lists is stored safely: refs it cannot send are skipped, control characters dropped, variables read from the body', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false }, noStart: true });
    const listed = [
      { ref: 'not a ref', name: 'x', language: 'es', category: null, status: 'approved', body: 'x', variables: [] },
      { ref: 'recordatorio:es_CO', name: 'recordatorio\u0000', language: 'es_CO', category: 'UTILITY', status: 'APPROVED', body: 'Hola {{first_name}}\u0007, {{2}}', variables: [] },
    ];
    expect(await syncTemplates(t.database.db, { name: 'meta', listTemplates: async () => listed })).toMatchObject({ added: 1, listed: 1 });
    expect(await approvedTemplates(t.database.db, { name: 'meta' })).toEqual([
      { ref: 'recordatorio:es_CO', name: 'recordatorio', language: 'es_CO', category: 'utility', body: 'Hola {{first_name}}, {{2}}', variables: ['2', 'first_name'], source: 'provider' },
    ]);
  });
});

describe('the sync at start', () => {
  test('runs in the background once the services start and is logged; a provider that fails is logged, never fails the start', async () => {
    await using fake = startFakeTwilio();
    fake.contents.push(textContent({ name: 'Seguimiento', body: 'Hola {{1}}' }));
    await using t = await testApp('pglite', { env: twilioEnv(fake), overrides: { bot: false } });
    expect(await t.waitForLog((line) => line.msg === 'templates synced')).toMatchObject({ level: 'info', provider: 'twilio', added: 1, listed: 1 });
    // At start the actor is `system`.
    expect((await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'templates.synced')))[0]).toMatchObject({ actor: 'system' });

    await using down = startFakeTwilio();
    down.respondToContentWith(() => 500);
    await using u = await testApp('pglite', { env: twilioEnv(down), overrides: { bot: false } });
    const warned = await u.waitForLog((line) => String(line.msg).startsWith('templates not synced'));
    expect(warned).toMatchObject({ level: 'warn', provider: 'twilio' });
    expect(await u.database.db.select().from(templates)).toEqual([]);
    // The server works on: its health answers.
    expect((await u.request('/healthz')).status).toBe(200);
  });
});
