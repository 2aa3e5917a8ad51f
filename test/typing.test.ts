/** @module test/typing.test — "X is typing…" on a colleague's screen ends when X sends, over real /live sockets. */
import { describe, expect, test } from 'bun:test';
import { testApp } from './support/app';
import { listen } from './support/listen';
import { connect, conversationsOf, person, post, settled } from './support/live';

describe('typing indicator', () => {
  test('a colleague sees "is typing…" while she types, and no longer once her message is sent', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    await using server = listen(t);
    const ana = await person(t, 'Ana', 'admin');
    const luis = await person(t, 'Luis', 'admin');
    const [id] = await conversationsOf(t, ['+573004440001']);
    using anaSees = await connect(server.url, ana);
    using luisTypes = await connect(server.url, luis);
    for (const client of [anaSees, luisTypes]) {
      client.send({ type: 'viewing', conversationId: id });
      await settled(client);
    }
    const before = anaSees.received.length;
    luisTypes.send({ type: 'typing', conversationId: id });
    await anaSees.frame((data) => data.includes('Luis está escribiendo'));
    const reply = await post(t, luis, `/inbox/${id}/messages`, { body: 'Hola, te escribo del equipo' });
    expect(reply.status).toBe(200);
    // The first presence line after the typing one: the same text as before she typed, so found by position.
    const after = await anaSees.frame((data) => anaSees.received.lastIndexOf(data) > before && data.includes(`id="presence-${id}"`) && !data.includes('escribiendo'));
    // Users with no language of their own read Spanish (the product's first language).
    expect(after).toContain('Luis está viendo');
  });
});
