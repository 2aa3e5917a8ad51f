/**
 * @module test/privacy/minors-panel.test — the aspirant panel's minors section: her age, her guardian and where the
 * authorisation stands, the link to share, and the audited, rate-limited resend; only for who may see the conversation.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq } from 'drizzle-orm';
import { createSession } from '../../server/auth/sessions';
import { insertUser, toPublicUser } from '../../server/db/queries/users';
import { auditLog } from '../../server/db/schema';
import { RESEND_LIMIT } from '../../server/routes/privacy/minors-panel';
import { testApp, type TestApp } from '../support/app';
import { aspirantWhoWrote } from '../support/form';
import { GUARDIAN_DOCUMENT, guardianPath, minorWhoFilledTheForm, postForm } from './minors-support';

async function person(t: TestApp, name: string, role: 'admin' | 'recruiter') {
  const user = toPublicUser(await insertUser(t.database.db, { email: `${name.toLowerCase()}@agency.co`, name, role, passwordHash: 'x', locale: 'es' }));
  const session = await createSession(t.database.db, user.id, new Date());
  return { id: user.id, cookie: `wasap_session=${session.token}`, csrf: session.csrfToken };
}

describe('the panel’s minors section', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t[Symbol.asyncDispose]();
  });

  test('her age, guardian, status and link; a resend is audited and limited; other recruiters get 404', async () => {
    const { conversation, guardian, number } = await minorWhoFilledTheForm(t, '+573001240001');
    const [rita, other, boss] = [await person(t, 'Rita', 'recruiter'), await person(t, 'Otra', 'recruiter'), await person(t, 'Boss', 'admin')];
    await t.services.conversations.assign(number, boss.id, rita.id);
    const path = `/privacy/conversations/${conversation.id}/minors`;
    const get = (who: { cookie: string }) => t.request(path, { headers: { cookie: who.cookie, accept: 'text/html' } });

    const section = await get(rita);
    expect(section.status).toBe(200);
    const html = await section.text();
    expect(html).toContain(`id="privacy-minors-${conversation.id}"`);
    expect(html).toMatch(/\d+ años \(nació el 2010-05-01\)/);
    expect(html).toContain('Marta Vélez');
    expect(html).toContain('Madre');
    expect(html).toContain('Esperando la autorización del acudiente.');
    expect(html).toContain('Enlace enviado por WhatsApp');
    // The document shows masked, and the link (her authority) is never shown while WhatsApp can carry it.
    expect(html).toContain(`CC •••${GUARDIAN_DOCUMENT.slice(-3)}`);
    expect(html).not.toContain(GUARDIAN_DOCUMENT);
    expect(html).not.toContain('/g/g1.');
    expect((await get(other)).status).toBe(404);
    const forBoss = await get(boss);
    expect(forBoss.status).toBe(200);
    expect(await forBoss.text()).not.toContain('/g/g1.');

    const resend = (who: { cookie: string; csrf: string }, csrf = who.csrf) =>
      t.request(`${path}/resend`, { method: 'POST', headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: `_csrf=${csrf}` });
    expect((await resend(rita, 'forged')).status).toBe(403);
    expect((await resend(other)).status).toBe(404);
    const sent = await resend(rita);
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('Enlace enviado por WhatsApp.');
    for (let i = 1; i < RESEND_LIMIT.limit; i++) expect((await resend(rita)).status).toBe(200);
    expect((await resend(rita)).status).toBe(429);
    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'guardian.link_sent'), eq(auditLog.targetId, String(guardian.id))));
    expect(audits).toHaveLength(RESEND_LIMIT.limit);
    expect(audits[0]).toMatchObject({ actor: 'rita@agency.co', actorUserId: rita.id, targetType: 'guardian', details: { conversationId: conversation.id, status: 'sent' } });

    // Once she authorised: the status, and no link any more.
    await postForm(t, guardianPath(t, guardian.id), { decision: 'authorised', documentNumber: GUARDIAN_DOCUMENT });
    const after = await (await get(rita)).text();
    expect(after).toContain('El acudiente autorizó el');
    expect(after).not.toContain('/g/g1.');
  });

  test('a guardian with no WhatsApp number: only an admin sees the link to share, and each showing is audited', async () => {
    const { conversation, guardian, number } = await minorWhoFilledTheForm(t, '+573001240003', { guardianPhone: '', guardianEmail: 'marta@example.co' });
    const [rita, boss] = [await person(t, 'Rosa', 'recruiter'), await person(t, 'Jefe', 'admin')];
    await t.services.conversations.assign(number, boss.id, rita.id);
    const path = `/privacy/conversations/${conversation.id}/minors`;
    const get = async (who: { cookie: string }) => (await t.request(path, { headers: { cookie: who.cookie, accept: 'text/html' } })).text();
    expect(await get(rita)).not.toContain('/g/g1.');
    expect(await get(boss)).toMatch(/value="http:\/\/localhost:3000\/g\/g1\.\d+\.\d+\.[\w-]+"/);
    const views = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'guardian.link_viewed'), eq(auditLog.targetId, String(guardian.id))));
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ actorUserId: boss.id, details: { conversationId: conversation.id } });
  });

  test('an adult’s conversation has no minors section', async () => {
    const adult = await aspirantWhoWrote(t, '+573001240002');
    const [boss] = [await person(t, 'Jefa', 'admin')];
    const [row] = await t.database.db.query.conversations.findMany({ where: (c, { eq: is }) => is(c.aspirantId, adult.id) });
    const response = await t.request(`/privacy/conversations/${row!.id}/minors`, { headers: { cookie: boss.cookie, accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});
