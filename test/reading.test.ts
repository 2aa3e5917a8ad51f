/** @module test/reading.test — a message that arrives in the conversation someone has open is read as it arrives. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { conversations } from '../server/db/schema';
import { testApp } from './support/app';
import { listen } from './support/listen';
import { aspirantWrites, connect, conversationsOf, person, settled } from './support/live';

describe('unread marker', () => {
  test('stays off the conversation she is reading, and on the one she is not', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    await using server = listen(t);
    const ana = await person(t, 'Ana', 'admin');
    const [open, other] = await conversationsOf(t, ['+573005550001', '+573005550002']);
    using anaSees = await connect(server.url, ana);
    anaSees.send({ type: 'viewing', conversationId: open });
    await settled(anaSees);
    const unread = async (id: number) => (await t.database.db.select({ n: conversations.unreadCount }).from(conversations).where(eq(conversations.id, id)))[0]!.n;
    await t.database.db.update(conversations).set({ unreadCount: 0 });

    await aspirantWrites(t, '+573005550001', '¿Siguen buscando modelos?');
    const readRow = await anaSees.frame((data) => data.includes(`id="conv-row-${open}"`) && data.includes('Siguen buscando'));
    expect(readRow).toContain('class="conv-row"');
    expect(readRow).toContain('badge is-empty');
    expect(await unread(open!)).toBe(0);

    await aspirantWrites(t, '+573005550002', 'Hola, ¿me ayudan?');
    const unreadRow = await anaSees.frame((data) => data.includes(`id="conv-row-${other}"`) && data.includes('me ayudan'));
    expect(unreadRow).toContain('conv-row has-unread');
    expect(await unread(other!)).toBe(1);
  });
});
