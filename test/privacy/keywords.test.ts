/**
 * @module test/privacy/keywords.test — her words on WhatsApp exercise her rights (Law 1581 Art. 8): each keyword of the
 * intake script's `privacy:` section opens one request of its right, through the webhook's path, with its audit entry
 * and an answer that names the legal term; once per message, however often the effect is applied.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, asc, eq } from 'drizzle-orm';
import type { CommitResult } from '../../actors/conversation/ports';
import type { DataRequestOpen } from '../../actors/conversation/types';
import { auditLog, conversations, dataSubjectRequests, messages } from '../../server/db/schema';
import { apply } from '../../server/conversations/commit/general-effects';
import { bogotaDay, termsFor } from '../../server/privacy/deadlines';
import { testApp, type TestApp } from '../support/app';
import { inbound } from '../support/bot';

/** Her words, and the right they exercise (whole words; capitals and accents do not matter). */
const CASES: [string, string][] = [
  ['¿Qué hacen con mis datos?', 'access'],
  ['Quiero BORRAR mis datos por favor', 'erasure'],
  ['eliminar mis datos', 'erasure'],
  ['Eliminar', 'erasure'],
  ['necesito actualizar mis datos', 'rectification'],
  ['quiero revocar', 'revocation'],
  ['la AUTORIZACION que di', 'proof'],
  ['please delete my data', 'erasure'],
  ['what do you do with my data', 'access'],
  ['I want to update my data', 'rectification'],
  ['revoke', 'revocation'],
  ['send me the authorisation', 'proof'],
  ['revocar la autorización', 'revocation'],
  ['datos', 'nothing'],
  ['eliminarlos', 'nothing'],
];

describe('data-subject requests from her WhatsApp words', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t[Symbol.asyncDispose]();
  });

  async function say(number: string, text: string) {
    const message = inbound(number, text);
    await t.services.conversations.acceptInbound(message);
    await t.services.conversations.registry.ask(number, () => null);
    return message.messageSid;
  }

  test.each(CASES)('"%s" opens %s', async (text, right) => {
    const number = `+5730055${String(CASES.findIndex(([words]) => words === text)).padStart(5, '0')}`;
    await say(number, 'Hola');
    const sid = await say(number, text);
    const requests = await t.database.db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.sourceMessageSid, sid));
    if (right === 'nothing') {
      expect(requests).toEqual([]);
      return;
    }
    expect(requests).toHaveLength(1);
    const row = requests[0]!;
    const terms = termsFor(row.right as 'access', row.receivedAt);
    expect(row).toMatchObject({ right, channel: 'whatsapp', status: 'received', details: text, dueOn: terms.dueOn, category: terms.category });
    expect(bogotaDay(row.receivedAt)).toBe(bogotaDay(new Date()));
    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'data_request.opened'), eq(auditLog.targetId, String(row.id))));
    expect(audits.map((a) => [a.actor, a.targetType, a.details])).toEqual([['whatsapp', 'data_request', { right, channel: 'whatsapp' }]]);
    const [conversation] = await t.database.db.select().from(conversations).where(eq(conversations.id, row.conversationId!));
    const answers = await t.database.db
      .select({ body: messages.body, extra: messages.extra })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation!.id), eq(messages.sender, 'bot')))
      .orderBy(asc(messages.id));
    const last = answers.at(-1)!;
    expect((last.extra as { messageKey: string }).messageKey).toBe(`privacy_${right}`);
    expect(last.body).toMatch(/Ley 1581|Law 1581/);
    const [y, m, d] = terms.dueOn.split('-').map(Number);
    expect(last.body).toContain(String(d));
    expect(last.body).toContain(String(y));
    expect(m).toBeGreaterThan(0);
  });

  test('the effect applied again (a retry after a crash, a replayed message) opens and audits nothing twice', async () => {
    const number = '+573005599999';
    await say(number, 'Hola');
    const sid = await say(number, 'borrar mis datos');
    const [row] = await t.database.db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.sourceMessageSid, sid));
    const effect: DataRequestOpen = { type: 'dataRequest.open', right: 'erasure', category: 'claim', text: 'borrar mis datos', sourceMessageSid: sid, receivedAt: Date.now(), dueOn: row!.dueOn };
    const result: CommitResult = { applied: true, conversationId: row!.conversationId, messageIds: {}, mediaIds: [], touchedMessageIds: [], enqueued: false, recordedSids: [] };
    await t.database.db.transaction((tx) => apply(tx, { key: number, conversationId: row!.conversationId, result }, effect));
    expect(await t.database.db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.sourceMessageSid, sid))).toHaveLength(1);
    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'data_request.opened'), eq(auditLog.targetId, String(row!.id))));
    expect(audits).toHaveLength(1);
  });
});
