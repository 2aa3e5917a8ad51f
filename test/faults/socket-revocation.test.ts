/**
 * @module test/faults/socket-revocation.test — access is revoked live: a disabled, signed-out, demoted or
 * reassigned-away recruiter's open /live socket is closed or re-scoped at once; a foreign Origin is refused.
 */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { createSession } from '../../server/auth/sessions';
import { canSee } from '../../server/db/queries/inbox';
import { deleteSessionsOf, updateUser } from '../../server/db/queries/users';
import { SESSION_ENDED_CLOSE } from '../../server/realtime/access';
import { maySee } from '../../server/realtime/sockets';
import { POLICY_CLOSE } from '../../server/routes/live';
import { testApp, type TestApp } from '../support/app';
import { drivers, testDatabase, type Driver } from '../support/db';
import { listen } from '../support/listen';
import { aspirantWrites, connect, conversationsOf, openLive, person, post, settled, type LiveClient, type Person } from '../support/live';

// The shared PGlite starts at load time: its start-up would otherwise eat the first test's budget.
await (await testDatabase('pglite')).close();

const KEYS = ['+573005550001', '+573005550002', '+573005550003'] as const;
const NOT_ALLOWED = '{"error":"not allowed"}';

/** Rita's conversation, Sofi's, and an unassigned one; Ana and Boss are admins. */
async function world(t: TestApp) {
  const [rita, sofi, ana, boss] = [await person(t, 'Rita', 'recruiter'), await person(t, 'Sofi', 'recruiter'), await person(t, 'Ana', 'admin'), await person(t, 'Boss', 'admin')];
  const [ritas, sofis, open] = await conversationsOf(t, [...KEYS]);
  await t.services.conversations.assign(KEYS[0], boss.id, rita.id);
  await t.services.conversations.assign(KEYS[1], boss.id, sofi.id);
  return { rita, sofi, ana, boss, ids: { rita: ritas!, sofi: sofis!, open: open! } };
}

/** The app on a real port with that world in it; disposing stops both. */
async function scene(driver: Driver) {
  const t = await testApp(driver, { overrides: { bot: false } });
  const w = await world(t).catch(async (error: unknown) => {
    await t[Symbol.asyncDispose]();
    throw error;
  });
  const server = listen(t);
  return {
    t,
    w,
    url: server.url,
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await t[Symbol.asyncDispose]();
    },
  };
}

const carrying = (text: string) => (data: string) => data.includes(text);

async function viewing(client: LiveClient, conversationId: number): Promise<void> {
  client.send({ type: 'viewing', conversationId });
  await settled(client);
  expect(client.received).not.toContain(NOT_ALLOWED);
}

/** A socket of `who` with `conversationId` open in its tab. */
async function watching(url: string, who: Person, conversationId: number): Promise<LiveClient> {
  const client = await connect(url, who);
  await viewing(client, conversationId);
  return client;
}

/** The answer to opening `conversationId` from now on. */
async function refused(client: LiveClient, conversationId: number): Promise<void> {
  const before = client.received.filter((data) => data === NOT_ALLOWED).length;
  client.send({ type: 'viewing', conversationId });
  await client.frame(() => client.received.filter((data) => data === NOT_ALLOWED).length > before);
}

describe.each(drivers)('revoked access on %s', (driver) => {
  test('a recruiter disabled by an admin: her socket is closed (4401) before the admin is answered, hears nothing more, and cannot come back', async () => {
    await using s = await scene(driver);
    const { t, w } = s;
    using rita = await watching(s.url, w.rita, w.ids.rita);
    using boss = await watching(s.url, w.boss, w.ids.rita);
    await aspirantWrites(t, KEYS[0], 'antes de desactivar');
    await rita.frame(carrying('antes de desactivar'));

    expect((await post(t, w.boss, '/admin/users/disable', { email: w.rita.email })).status).toBe(303);
    await aspirantWrites(t, KEYS[0], 'después de desactivar');
    await aspirantWrites(t, KEYS[2], 'nueva sin asignar');
    await boss.frame(carrying('después de desactivar'));
    await boss.frame(carrying('nueva sin asignar'));
    expect(await rita.closed).toBe(SESSION_ENDED_CLOSE);
    expect(rita.received.join('\n')).not.toContain('después de desactivar');
    expect(rita.received.join('\n')).not.toContain('nueva sin asignar');
    // Her cookie no longer opens a socket.
    using again = openLive(s.url, { cookie: w.rita.cookie });
    expect(await again.closed).toBe(-1);
  });

  test('signing out closes that session’s sockets only; a password reset by an admin closes all of hers', async () => {
    await using s = await scene(driver);
    const { t, w } = s;
    const other = await createSession(t.database.db, w.rita.id, new Date());
    using phone = await watching(s.url, { ...w.rita, cookie: `wasap_session=${other.token}`, csrf: other.csrfToken }, w.ids.rita);
    using laptop = await watching(s.url, w.rita, w.ids.rita);

    expect((await post(t, w.rita, '/logout')).status).toBe(303);
    expect(await laptop.closed).toBe(SESSION_ENDED_CLOSE);
    await aspirantWrites(t, KEYS[0], 'sigue en el teléfono');
    await phone.frame(carrying('sigue en el teléfono'));
    expect(laptop.received.join('\n')).not.toContain('sigue en el teléfono');

    expect((await post(t, w.boss, '/admin/users/password', { email: w.rita.email, password: 'a new long password' })).status).toBe(303);
    expect(await phone.closed).toBe(SESSION_ENDED_CLOSE);
  });

  test('an admin demoted to recruiter keeps her socket but loses sight of others’ conversations at once', async () => {
    await using s = await scene(driver);
    const { t, w } = s;
    using ana = await watching(s.url, w.ana, w.ids.sofi);
    using boss = await watching(s.url, w.boss, w.ids.sofi);

    expect((await post(t, w.boss, '/admin/users/role', { email: w.ana.email, role: 'recruiter' })).status).toBe(303);
    await aspirantWrites(t, KEYS[1], 'secreto de Sofi');
    await boss.frame(carrying('secreto de Sofi'));
    // Now she hears what a recruiter hears: the unassigned list.
    await aspirantWrites(t, KEYS[2], 'para cualquiera');
    await ana.frame(carrying('para cualquiera'));
    await settled(ana);
    expect(ana.received.join('\n')).not.toContain('secreto de Sofi');
    await refused(ana, w.ids.sofi);
  });

  test('a conversation reassigned away stops reaching the recruiter who viewed it; taking one from the unassigned pool hides it from the others', async () => {
    await using s = await scene(driver);
    const { t, w } = s;
    using rita = await watching(s.url, w.rita, w.ids.rita);
    using sofi = await watching(s.url, w.sofi, w.ids.open);
    using boss = await watching(s.url, w.boss, w.ids.rita);

    expect((await post(t, w.boss, `/inbox/${w.ids.rita}/assign`, { assigneeId: String(w.sofi.id) })).status).toBe(200);
    expect((await post(t, w.rita, `/inbox/${w.ids.open}/assign`, { assigneeId: String(w.rita.id) })).status).toBe(200);
    await aspirantWrites(t, KEYS[0], 'ya no es de Rita');
    await aspirantWrites(t, KEYS[2], 'ahora es de Rita');
    await boss.frame(carrying('ya no es de Rita'));
    await rita.frame(carrying('ahora es de Rita'));
    await settled(rita);
    await settled(sofi);
    expect(rita.received.join('\n')).not.toContain('ya no es de Rita');
    expect(sofi.received.join('\n')).not.toContain('ahora es de Rita');
    await refused(rita, w.ids.rita);
    await refused(sofi, w.ids.open);
  });

  test('changes written behind the server’s back (the CLI, another process) are honoured at the next message, and by the sweep without one', async () => {
    await using s = await scene(driver);
    const { t, w } = s;
    using ana = await connect(s.url, w.ana);
    using rita = await connect(s.url, w.rita);
    await updateUser(t.database.db, w.ana.id, { role: 'recruiter' });
    await refused(ana, w.ids.sofi);
    // Rita sends nothing: the periodic sweep finds her session gone.
    await updateUser(t.database.db, w.rita.id, { disabled: true });
    await deleteSessionsOf(t.database.db, w.rita.id);
    expect(await rita.closed).toBe(SESSION_ENDED_CLOSE);
  });

  test('a reassignment this process never heard of (another process, its push hint lost) is found by the sweep: the recruiter stops hearing that conversation', async () => {
    await using s = await scene(driver);
    const { t, w } = s;
    using rita = await watching(s.url, w.rita, w.ids.rita);
    using boss = await watching(s.url, w.boss, w.ids.rita);
    await boss.frame((data) => data.includes(`presence-${w.ids.rita}`) && data.includes('Rita'));
    // Written straight to the database: no access event in this process.
    await t.database.db.execute(sql`update conversations set assignee_id = ${w.sofi.id} where id = ${w.ids.rita}`);
    // The sweep takes Rita out of the conversation: the boss's presence line loses her name.
    const seen = boss.received.length;
    await boss.frame((data) => boss.received.indexOf(data) >= seen && data.includes(`presence-${w.ids.rita}`) && !data.includes('Rita'));
    await aspirantWrites(t, KEYS[0], 'ahora es de Sofi');
    await boss.frame(carrying('ahora es de Sofi'));
    await settled(rita);
    expect(rita.received.join('\n')).not.toContain('ahora es de Sofi');
    await refused(rita, w.ids.rita);
  });

  test('the rule applied at a reassignment without a query agrees with the database’s', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const w = await world(t);
    const assignees = { [w.ids.rita]: w.rita.id, [w.ids.sofi]: w.sofi.id, [w.ids.open]: null };
    for (const viewer of [w.rita, w.sofi, w.ana]) {
      const role = viewer === w.ana ? 'admin' : 'recruiter';
      for (const [id, assigneeId] of Object.entries(assignees)) {
        expect([viewer.name, id, maySee({ id: viewer.id, role }, assigneeId)]).toEqual([viewer.name, id, await canSee(t.database.db, { id: viewer.id, role }, Number(id))]);
      }
    }
  });
});

describe('the Origin of the handshake', () => {
  test('Origin null, an unparsable Origin and another site are closed with 1008 before hearing anything; our own origin stays', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    const boss = await person(t, 'Boss', 'admin');
    const [id] = await conversationsOf(t, [KEYS[0]]);
    await using server = listen(t);
    // Also our own host under a scheme no web page has (ws:).
    const foreign = ['null', 'garbage', 'http://[::1', 'https://evil.example', `${server.url.replace('127.0.0.1', 'evil.example')}`, server.url.replace('http:', 'ws:')];
    const sockets = foreign.map((origin) => openLive(server.url, { cookie: boss.cookie, origin }));
    using own = openLive(server.url, { cookie: boss.cookie, origin: server.url });
    await own.opened;
    await viewing(own, id!);
    expect(await Promise.all(sockets.map((socket) => socket.closed))).toEqual(foreign.map(() => POLICY_CLOSE));
    await aspirantWrites(t, KEYS[0], 'solo para nosotros');
    await own.frame(carrying('solo para nosotros'));
    for (const socket of sockets) expect(socket.received).toEqual([]);
  });
});
