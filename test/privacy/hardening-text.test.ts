/**
 * @module test/privacy/hardening-text.test — NUL and the other C0 control characters (but tab, line feed, carriage
 * return) typed into the personal-data forms are removed before storing: the public request page, the panel's request
 * and revocation note, an extension's reason, an answer, the privacy notice. Never a 500 (Postgres refuses `\0`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, desc, eq } from 'drizzle-orm';
import { conversations, dataSubjectRequests, notes, privacyNotices } from '../../server/db/schema';
import { plainText } from '../../server/privacy/requests-text';
import { testApp, type TestApp } from '../support/app';
import { inbound } from '../support/bot';
import { signedToken } from '../support/form';
import { person, post, type Person } from './support';

const DIRTY = 'Hola\u0000 mundo\u0001\u0007\u001b\u001f\tcon\r\nlíneas';
const CLEAN = 'Hola mundo\tcon\r\nlíneas';

test('plainText keeps tab, line feed and carriage return and drops the other C0 controls', () => {
  expect(plainText(DIRTY)).toBe(CLEAN);
  expect(plainText(undefined)).toBeUndefined();
  expect(plainText(null)).toBeNull();
});

describe('control characters in the personal-data forms', () => {
  let t: TestApp;
  let boss: Person;
  let conversationId: number;
  let aspirantId: number;
  beforeAll(async () => {
    t = await testApp('pglite', { overrides: { bot: false } });
    boss = await person(t, 'Boss', 'admin');
    const key = '+573006690001';
    await t.services.conversations.acceptInbound(inbound(key, 'hola'));
    await t.services.conversations.registry.ask(key, () => null);
    const [c] = await t.database.db.select({ id: conversations.id, aspirantId: conversations.aspirantId }).from(conversations);
    conversationId = c!.id;
    aspirantId = c!.aspirantId;
  });
  afterAll(async () => {
    await t[Symbol.asyncDispose]();
  });

  const requestOf = async (right: string) =>
    (
      await t.database.db
        .select()
        .from(dataSubjectRequests)
        .where(and(eq(dataSubjectRequests.aspirantId, aspirantId), eq(dataSubjectRequests.right, right)))
    )[0]!;

  test('the public request page (no session) stores her words clean', async () => {
    const body = new URLSearchParams({ token: signedToken(t, aspirantId), right: 'access', details: DIRTY }).toString();
    const response = await t.request('/privacy/request', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(response.status).toBe(200);
    expect((await requestOf('access')).details).toBe(CLEAN);
  });

  test('the panel: a request on her behalf, then its extension and answer, all stored clean', async () => {
    expect((await post(t, boss, `/privacy/conversations/${conversationId}/requests`, { right: 'rectification', details: DIRTY })).status).toBe(200);
    const row = await requestOf('rectification');
    expect(row.details).toBe(CLEAN);
    expect((await post(t, boss, `/admin/privacy/requests/${row.id}/extend`, { reason: DIRTY })).status).toBeLessThan(500);
    expect((await requestOf('rectification')).extensionReason).toBe(CLEAN);
    expect((await post(t, boss, `/admin/privacy/requests/${row.id}/resolve`, { status: 'done', resolution: DIRTY })).status).toBeLessThan(500);
    expect((await requestOf('rectification')).resolution).toBe(CLEAN);
  });

  test('a revocation note is stored clean on her conversation', async () => {
    expect((await post(t, boss, `/privacy/conversations/${conversationId}/consent`, { scope: 'photos', note: DIRTY })).status).toBe(200);
    const [note] = await t.database.db.select().from(notes).where(eq(notes.conversationId, conversationId)).orderBy(desc(notes.id)).limit(1);
    expect(note!.body).toContain(CLEAN);
    expect(note!.body).not.toContain('\u0000');
  });

  test('the privacy notice is published clean', async () => {
    const response = await post(t, boss, '/admin/privacy/notice', { esTitle: `Aviso${'\u0000'}`, esBody: DIRTY, enTitle: 'Notice\u0001', enBody: DIRTY });
    expect(response.status).toBe(303);
    const rows = await t.database.db.select().from(privacyNotices).orderBy(desc(privacyNotices.id)).limit(2);
    expect(rows.map((r) => [r.locale, r.title]).sort()).toEqual([
      ['en', 'Notice'],
      ['es', 'Aviso'],
    ]);
    expect(rows.every((r) => !/[\u0000-\u0008]/.test(r.body))).toBe(true);
  });
});
