/**
 * @module test/privacy/consent-panel.test — the aspirant panel's consent section through app.handle: her ledger for a
 * recruiter who may see the conversation (times in the reader's zone, IP and browser for admins only), 404 for others,
 * a revocation she asked for recorded by a recruiter (ledger row, audit without the note, the note on the conversation).
 */
import { describe, expect, test } from 'bun:test';
import { asc, eq } from 'drizzle-orm';
import { auditLog, conversations, notes } from '../../server/db/schema';
import { inForce, recordConsents } from '../../server/privacy/consents';
import { currentNotice } from '../../server/privacy/notices';
import { translator } from '../../views/i18n';
import { inbound } from '../support/bot';
import { testApp, type TestApp } from '../support/app';
import { drivers } from '../support/db';
import { get, person, post } from './support';

const AT = new Date('2026-11-30T23:30:00Z');

/** Rita's conversation with an aspirant who authorised treatment (with her IP and browser) and photos. */
async function world(t: TestApp) {
  const rita = await person(t, 'Rita', 'recruiter', { timeZone: 'Asia/Tokyo' });
  const sofi = await person(t, 'Sofi', 'recruiter');
  const boss = await person(t, 'Boss', 'admin');
  const key = '+573006660001';
  await t.services.conversations.acceptInbound(inbound(key, 'hola'));
  await t.services.conversations.registry.ask(key, () => null);
  const [c] = await t.database.db.select({ id: conversations.id, aspirantId: conversations.aspirantId }).from(conversations);
  await t.services.conversations.assign(key, boss.id, rita.id);
  const notice = await currentNotice(t.database.db, 'es');
  await recordConsents(t.database.db, [
    { aspirantId: c!.aspirantId, scope: 'treatment', decision: 'authorisation', purposes: ['recruitment'], notice, channel: 'form', ip: '203.0.113.9', userAgent: 'Mozilla/5.0 <script>', at: AT },
    { aspirantId: c!.aspirantId, scope: 'photos', decision: 'authorisation', purposes: ['photos'], notice, channel: 'form', ip: '203.0.113.9', at: AT },
  ]);
  return { rita, sofi, boss, key, id: c!.id, aspirantId: c!.aspirantId };
}

describe.each(drivers)('the consent section on %s', (driver) => {
  test('her ledger for those who may see her, in their time zone; IP and browser for admins only', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const w = await world(t);
    const path = `/privacy/conversations/${w.id}/consent`;
    const forRita = await get(t, w.rita, path);
    expect(forRita.status).toBe(200);
    const html = await forRita.text();
    expect(html).toContain(`id="privacy-consent-${w.id}"`);
    expect(html).toContain('Data treatment');
    expect(html).toContain('Photos');
    expect(html).toContain('href="/privacy?version=1&lang=es"');
    expect(html).toContain(translator('en', 'Asia/Tokyo').dateTime(AT));
    expect(html).not.toContain('203.0.113.9');
    const forBoss = await (await get(t, w.boss, path)).text();
    expect(forBoss).toContain('203.0.113.9 · Mozilla/5.0 &lt;script&gt;');
    // Sofi may not see Rita's conversation: nothing, not even that it exists.
    expect((await get(t, w.sofi, path)).status).toBe(404);
    expect((await get(t, w.rita, '/privacy/conversations/999999/consent')).status).toBe(404);
  });

  test('a recruiter records a revocation she asked for: a ledger row, an audit entry without the note, the note on her conversation', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const w = await world(t);
    const path = `/privacy/conversations/${w.id}/consent`;
    expect((await post(t, w.rita, path, { scope: 'photos' }, false)).status).toBe(403);
    expect((await post(t, w.sofi, path, { scope: 'photos' })).status).toBe(404);
    const bad = await post(t, w.rita, path, { scope: 'everything' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Choose which authorisation she revokes.');

    const done = await post(t, w.rita, path, { scope: 'photos', note: 'Lo pidió por WhatsApp <b>' });
    expect(done.status).toBe(200);
    const html = await done.text();
    expect(html).toContain('Revocation recorded.');
    expect(html).toContain('Revoked');
    const now = await inForce(t.database.db, w.aspirantId);
    expect(now.photos).toMatchObject({ decision: 'revocation', channel: 'recruiter', noticeVersion: 1, ip: null });
    expect(now.treatment?.decision).toBe('authorisation');
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'consent.revoked'));
    expect(audit.map((a) => ({ actor: a.actor, actorUserId: a.actorUserId, targetType: a.targetType, targetId: a.targetId, details: a.details }))).toEqual([
      {
        actor: 'rita@agency.co',
        actorUserId: w.rita.id,
        targetType: 'consent',
        targetId: String(now.photos!.id),
        details: { scope: 'photos', aspirantId: w.aspirantId, conversationId: w.id, noticeVersion: 1 },
      },
    ]);
    const kept = await t.database.db.select({ body: notes.body, authorId: notes.authorId }).from(notes).where(eq(notes.conversationId, w.id)).orderBy(asc(notes.id));
    expect(kept).toEqual([{ body: 'Revocation of “Photos” asked for by the aspirant: Lo pidió por WhatsApp <b>', authorId: w.rita.id }]);
    // An admin may record one too, without a note: no note is added.
    expect((await post(t, w.boss, path, { scope: 'treatment' })).status).toBe(200);
    expect((await inForce(t.database.db, w.aspirantId)).treatment?.decision).toBe('revocation');
    expect(await t.database.db.select().from(notes).where(eq(notes.conversationId, w.id))).toHaveLength(1);
  });
});
