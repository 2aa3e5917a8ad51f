/**
 * @module test/privacy/hardening-consent.test — a revocation recorded from the panel writes its ledger row and its audit
 * entry together: when the conversation note that follows fails, both are kept and the reader is told the note was not
 * saved (it once left a ledger row without its audit entry, and a 500).
 */
import { expect, test } from 'bun:test';
import { and, eq } from 'drizzle-orm';
import { auditLog, consents, conversations } from '../../server/db/schema';
import { testApp } from '../support/app';
import { inbound } from '../support/bot';
import { person, post } from './support';

test('the note failing after a revocation keeps the ledger row and its audit entry, and says the note was lost', async () => {
  await using t = await testApp('pglite', { overrides: { bot: false } });
  const boss = await person(t, 'Boss', 'admin');
  const key = '+573006680001';
  await t.services.conversations.acceptInbound(inbound(key, 'hola'));
  await t.services.conversations.registry.ask(key, () => null);
  const [c] = await t.database.db.select({ id: conversations.id, aspirantId: conversations.aspirantId }).from(conversations);
  const conversationsService = t.services.conversations as { addNote: (...args: unknown[]) => Promise<unknown> };
  conversationsService.addNote = () => Promise.reject(new Error('the actor is gone'));

  const response = await post(t, boss, `/privacy/conversations/${c!.id}/consent`, { scope: 'photos', note: 'Lo pidió por teléfono' });
  expect(response.status).toBe(200);
  const html = await response.text();
  expect(html).toContain('Revocation recorded.');
  expect(html).toContain('the note could not be saved');
  const ledger = await t.database.db
    .select()
    .from(consents)
    .where(and(eq(consents.aspirantId, c!.aspirantId), eq(consents.decision, 'revocation')));
  expect(ledger).toHaveLength(1);
  const audits = await t.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, 'consent.revoked'), eq(auditLog.targetId, String(ledger[0]!.id))));
  expect(audits).toHaveLength(1);
});
