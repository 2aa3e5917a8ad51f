/**
 * @module test/privacy/hardening-requests.test — one open request per aspirant and right (Law 1581 Arts. 14–15): her
 * repeated WhatsApp words, parallel posts of the public page and a recruiter opening it again open nothing new, write no
 * second audit entry, and each is told the request is already in progress with its due date.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { aspirants, auditLog, conversations, dataSubjectRequests, messages } from '../../server/db/schema';
import { openRequest } from '../../server/privacy/requests';
import { testApp, type TestApp } from '../support/app';
import { inbound } from '../support/bot';
import { signedToken } from '../support/form';
import { person, post } from './support';

describe('one open request per aspirant and right', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t[Symbol.asyncDispose]();
  });

  async function say(number: string, text: string) {
    await t.services.conversations.acceptInbound(inbound(number, text));
    await t.services.conversations.registry.ask(number, () => null);
  }

  async function openOf(aspirantId: number, right: string) {
    return t.database.db
      .select()
      .from(dataSubjectRequests)
      .where(and(eq(dataSubjectRequests.aspirantId, aspirantId), eq(dataSubjectRequests.right, right)));
  }

  async function audits(ids: number[]) {
    if (ids.length === 0) return [];
    return t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'data_request.opened'), inArray(auditLog.targetId, ids.map(String))));
  }

  test('"eliminar" five times on WhatsApp: one erasure request, one audit entry, then "already in progress" with its due date', async () => {
    const number = '+573006600001';
    await say(number, 'Hola');
    for (let n = 0; n < 5; n++) await say(number, 'eliminar mis datos');
    const [her] = await t.database.db.select().from(aspirants).where(eq(aspirants.whatsappId, number));
    const rows = await openOf(her!.id, 'erasure');
    expect(rows).toHaveLength(1);
    expect(await audits(rows.map((r) => r.id))).toHaveLength(1);
    const [conversation] = await t.database.db.select().from(conversations).where(eq(conversations.aspirantId, her!.id));
    const answers = await t.database.db
      .select({ body: messages.body })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation!.id), eq(messages.sender, 'bot')))
      .orderBy(asc(messages.id));
    const privacy = answers.map((a) => a.body).filter((body) => /solicitud|reclamo/i.test(body));
    expect(privacy).toHaveLength(5);
    expect(privacy[0]).toContain('Recibimos');
    const day = String(Number(rows[0]!.dueOn.split('-')[2]));
    for (const body of privacy.slice(1)) {
      expect(body).toContain('Ya tenemos esa solicitud en curso');
      expect(body).toContain(day);
    }
  });

  test('openRequest called in parallel opens one row and audits it once; the others get the open one', async () => {
    const [her] = await t.database.db.insert(aspirants).values({ whatsappId: '+573006600002' }).returning();
    const input = { aspirantId: her!.id, right: 'access' as const, channel: 'form' as const, receivedAt: new Date() };
    const results = await Promise.all(Array.from({ length: 6 }, () => openRequest(t.database.db, input, { label: 'form' })));
    expect(results.filter((r) => r.opened)).toHaveLength(1);
    expect(new Set(results.map((r) => r.row.id)).size).toBe(1);
    const rows = await openOf(her!.id, 'access');
    expect(rows).toHaveLength(1);
    expect(await audits(rows.map((r) => r.id))).toHaveLength(1);
  });

  test('the public page posted in parallel opens one request; the others are told it is in progress', async () => {
    const [her] = await t.database.db.insert(aspirants).values({ whatsappId: '+573006600003', locale: 'es' }).returning();
    const token = signedToken(t, her!.id);
    const body = new URLSearchParams({ token, right: 'rectification', details: 'Mi apellido está mal' }).toString();
    const responses = await Promise.all(Array.from({ length: 5 }, () => t.request('/privacy/request', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const pages = await Promise.all(responses.map((r) => r.text()));
    expect(pages.filter((p) => p.includes('Ya tenemos esa solicitud en curso'))).toHaveLength(4);
    const rows = await openOf(her!.id, 'rectification');
    expect(rows).toHaveLength(1);
    expect(await audits(rows.map((r) => r.id))).toHaveLength(1);
  });

  test('a recruiter opening the same right again from the panel is told it is already open, with its due date', async () => {
    const number = '+573006600004';
    await say(number, 'Hola');
    const [her] = await t.database.db.select().from(aspirants).where(eq(aspirants.whatsappId, number));
    const [conversation] = await t.database.db.select().from(conversations).where(eq(conversations.aspirantId, her!.id));
    const rita = await person(t, 'Rita', 'admin');
    const first = await post(t, rita, `/privacy/conversations/${conversation!.id}/requests`, { right: 'proof' });
    expect(await first.text()).toContain('Request opened.');
    const again = await post(t, rita, `/privacy/conversations/${conversation!.id}/requests`, { right: 'proof' });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('She already has a request for that right in progress');
    const rows = await openOf(her!.id, 'proof');
    expect(rows).toHaveLength(1);
    expect(await audits(rows.map((r) => r.id))).toHaveLength(1);
  });
});
