/**
 * @module test/providers/scenarios-window.test — the 24-hour customer-service window and opt-out, the same scenarios
 * through Twilio and through Meta's Cloud API with only the provider's fake changed (test/support/provider-driver).
 * The window is WhatsApp's rule: outside 24 hours of her last message only an approved template may be sent.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { messages } from '../../server/db/schema';
import { drivers } from '../support/db';
import { DRIVERS } from '../support/provider-driver';
import { conversationOf, outgoing, recruiter, scenarioApp, settle } from './scenario-app';

const HOUR = 3_600_000;
/** The catalogue's words for both providers' window-closed codes (views/i18n/es.ts, inbox delivery errors). */
const WINDOW_CLOSED_REASON = 'Fuera de la ventana de 24 horas: solo se puede enviar una plantilla aprobada';
/** An approved utility template, as the provider lists it. */
const TEMPLATE = { name: 'seguimiento_proceso', language: 'es', body: 'Hola {{1}}, ¿seguimos con tu proceso? Responde antes del {{2}}.' };

describe.each(DRIVERS)('through $name', (provider) => {
  describe.each(drivers)('on %s', (database) => {
    test('window closed: free text is refused before it reaches the provider; an approved template, listed by the provider, goes out in its shape', async () => {
      await using s = await scenarioApp(provider, database, { templates: [TEMPLATE] });
      const { t, fake, clock } = s;
      const [ref] = s.templateRefs;
      const her = '+573001240001';
      await fake.inbound(t, { from: her, body: 'Hola' });
      await settle(t, her);
      await fake.waitForSent(1);
      clock.now += 25 * HOUR;
      await settle(t, her);
      const before = fake.sent().length;
      const rita = await recruiter(t);
      const { id } = await conversationOf(t, her);

      const refused = await rita.post(`/inbox/${id}/messages`, { body: '¿Sigues interesada?' });
      expect(refused.status).toBe(409);
      expect(await refused.text()).toContain('ventana de 24 horas');
      // The composer offers what the provider listed; a ref it did not list is refused.
      expect(await rita.get(`/inbox/${id}`)).toContain(`value="${ref}"`);
      const unknown = ref!.startsWith('HX') ? `HX${'0'.repeat(32)}` : 'desconocida:es';
      expect((await rita.post(`/inbox/${id}/messages`, { templateRef: unknown, 'var.1': 'Valentina', 'var.2': 'el martes' })).status).toBe(400);
      await settle(t, her);
      expect(fake.sent()).toHaveLength(before);
      expect(await t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'))).toEqual([]);

      expect((await rita.post(`/inbox/${id}/messages`, { templateRef: ref!, 'var.1': 'Valentina', 'var.2': 'el martes' })).status).toBe(200);
      const sent = (await fake.waitForSent(before + 1)).at(-1)!;
      // Its values travel in the provider's own form (ContentVariables; body parameters) and read back the same.
      expect(sent).toMatchObject({ to: fake.addressOf(her), template: { ref, variables: { 1: 'Valentina', 2: 'el martes' } } });
      expect(sent.body).toBeUndefined();
      await settle(t, her);
      const rows = await t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ templateRef: ref, providerSid: sent.id, body: 'Hola Valentina, ¿seguimos con tu proceso? Responde antes del el martes.' });
    });

    // Outside our own check (her last message was recent by our clock, not the provider's): it says so when the send
    // is made, or in a failed status callback after accepting it.
    test.each(['at the send', 'in a status callback'])('the provider says the window closed %s: the reply fails with its code, explained in the catalogue’s words', async (when) => {
      await using s = await scenarioApp(provider, database);
      const { t, fake } = s;
      const her = '+573001240002';
      await fake.inbound(t, { from: her, body: 'Hola' });
      await settle(t, her);
      const before = (await fake.waitForSent(1)).length;
      const rita = await recruiter(t);
      const { id } = await conversationOf(t, her);
      expect(await rita.get(`/inbox/${id}`)).not.toContain(WINDOW_CLOSED_REASON);
      if (when === 'at the send') fake.failNext('window_closed');
      expect((await rita.post(`/inbox/${id}/messages`, { body: 'Hola Valentina' })).status).toBe(200);
      await settle(t, her);
      if (when === 'in a status callback') {
        const accepted = (await fake.waitForSent(before + 1)).at(-1)!;
        expect((await fake.status(t, accepted.id, her, 'failed', 'window_closed')).status).toBe(200);
        await settle(t, her);
      } else {
        expect(fake.sent()).toHaveLength(before);
      }
      const [reply] = await t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'));
      expect(reply).toMatchObject({ status: 'failed', errorCode: fake.windowClosedCode });
      expect((await conversationOf(t, her)).status).toBe('needs_attention');
      const page = await rita.get(`/inbox/${id}`);
      expect(page).toContain(WINDOW_CLOSED_REASON);
      expect(page).toContain(String(fake.windowClosedCode));
    });

    test.each(['BAJA', 'STOP'])('opt-out with %s: she is told once, then nothing more is sent to her', async (word) => {
      await using s = await scenarioApp(provider, database, { templates: [TEMPLATE] });
      const { t, fake, clock } = s;
      const her = '+573001240003';
      await fake.inbound(t, { from: her, body: 'Hola' });
      await settle(t, her);
      await fake.waitForSent(1);
      expect((await fake.inbound(t, { from: her, body: word })).response.status).toBe(200);
      await settle(t, her);
      const confirmed = await fake.waitForSent(2);
      const rows = await outgoing(t, her);
      expect(rows).toHaveLength(2);
      expect(confirmed.map((m) => ({ to: m.to, body: m.body }))).toEqual(rows.map((r) => ({ to: fake.addressOf(her), body: r.body })));

      // Her next message, a recruiter's reply or template, the bot's reminders: none goes out.
      await fake.inbound(t, { from: her, body: '¿cuánto pagan?' });
      await settle(t, her);
      const rita = await recruiter(t);
      const { id } = await conversationOf(t, her);
      expect((await rita.post(`/inbox/${id}/messages`, { body: '¿Sigues ahí?' })).status).toBe(409);
      const template = { templateRef: s.templateRefs[0]!, 'var.1': 'Valentina', 'var.2': 'el martes' };
      expect((await rita.post(`/inbox/${id}/messages`, template)).status).toBe(409);
      // Inside the window, where a form reminder (due at 4 h) would go out to anyone else.
      clock.now += 5 * HOUR;
      await settle(t, her);
      await settle(t, her);
      expect(fake.sent()).toHaveLength(2);
      expect(await outgoing(t, her)).toHaveLength(2);
    });
  });
});
