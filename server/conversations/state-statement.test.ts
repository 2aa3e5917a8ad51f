/** @module server/conversations/state-statement.test — many actors' states in one read, many first messages' aspirant rows in one write. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { initialState } from '../../actors/conversation/decide';
import { drivers, testDatabase } from '../../test/support/db';
import { aspirants, conversations, users } from '../db/schema';
import { ensureAspirants, loadStates } from './state-statement';

describe.each(drivers)('state statement (%s)', (driver) => {
  test('loads many states in the order asked: a conversation, an aspirant without one, a number never seen', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const [user] = await db.insert(users).values({ email: 'r@x.co', name: 'Rita', passwordHash: 'x' }).returning();
    const [vale] = await db
      .insert(aspirants)
      .values({ whatsappId: '+573001112233', whatsappName: 'Vale', firstName: 'Valentina', hasKids: true, locale: 'en', optedOutAt: new Date(), formSubmittedAt: new Date() })
      .returning();
    const [cami] = await db.insert(aspirants).values({ whatsappId: '+573004445566', whatsappName: 'Cami' }).returning();
    const lastInbound = new Date('2026-11-27T10:00:00.123Z');
    const waitingSince = new Date('2026-11-27T09:58:30.456Z');
    const [conversation] = await db
      .insert(conversations)
      .values({
        aspirantId: vale!.id,
        status: 'pending_photo',
        assigneeId: user!.id,
        botScript: 'intake@2',
        botState: { step: 'photo', remindersSent: 1 },
        botPaused: true,
        lastInboundAt: lastInbound,
        waitingSince,
      })
      .returning();

    const [unknown, withConversation, withoutConversation] = await loadStates(db, ['+573009999999', '+573001112233', '+573004445566']);

    expect(unknown).toEqual(initialState('+573009999999'));
    expect(withConversation).toEqual({
      key: '+573001112233',
      conversationId: conversation!.id,
      aspirantId: vale!.id,
      script: 'intake@2',
      bot: { step: 'photo', remindersSent: 1 } as never,
      facts: { locale: 'en', firstName: 'Valentina', whatsappName: 'Vale', hasKids: true, formSubmitted: true },
      status: 'pending_photo',
      lastInboundAt: lastInbound.getTime(),
      waitingSince: waitingSince.getTime(),
      optedOut: true,
      botPaused: true,
      assigneeId: user!.id,
      // No authorisation recorded: no notice is owed to her.
      notice: { consentedVersion: null, linkedVersion: null },
    });
    expect(withoutConversation).toMatchObject({ key: '+573004445566', aspirantId: cami!.id, conversationId: null, status: 'new', waitingSince: null, optedOut: false, botPaused: false, bot: null });
    expect(withoutConversation!.facts).toEqual({ locale: 'es', firstName: undefined, whatsappName: 'Cami', hasKids: undefined, formSubmitted: false });
  });

  test('creates missing aspirants, finds existing ones (keeping their name), and answers in the order asked', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const [existing] = await db.insert(aspirants).values({ whatsappId: '+573001112233', whatsappName: 'Vale' }).returning();

    const ids = await ensureAspirants(db, [{ key: '+573007778899', whatsappName: 'Nueva' }, { key: '+573001112233', whatsappName: 'Otro nombre' }, { key: '+573005556677' }]);

    expect(ids[1]).toBe(existing!.id);
    expect(new Set(ids).size).toBe(3);
    const rows = await db.select().from(aspirants);
    expect(rows).toHaveLength(3);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(ids[0]!)).toMatchObject({ whatsappId: '+573007778899', whatsappName: 'Nueva' });
    expect(byId.get(ids[1]!)).toMatchObject({ whatsappId: '+573001112233', whatsappName: 'Vale' });
    expect(byId.get(ids[2]!)).toMatchObject({ whatsappId: '+573005556677', whatsappName: null });
    // Asking again creates nothing more.
    expect(await ensureAspirants(db, [{ key: '+573007778899' }])).toEqual([ids[0]!]);
    expect(await db.select().from(aspirants).where(eq(aspirants.whatsappId, '+573007778899'))).toHaveLength(1);
  });
});
