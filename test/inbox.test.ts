/** @module test/inbox.test — the inbox through app.handle: pages, actions, and the access matrix (who can read, reply, subscribe, fetch media). */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { createSession } from '../server/auth/sessions';
import { insertUser, toPublicUser } from '../server/db/queries/users';
import { auditLog, cannedResponses, conversations, media, messages, notes } from '../server/db/schema';
import { setUserPreferences } from '../server/services/users';
import { inbound } from './support/bot';
import { testApp, type TestApp } from './support/app';
import { drivers } from './support/db';
import { startFakeTwilio } from './support/fake-twilio';
import { listen } from './support/listen';
import { twilioEnv } from './support/twilio-env';

const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));

interface Person {
  id: number;
  name: string;
  cookie: string;
  csrf: string;
}

async function person(t: TestApp, name: string, role: 'admin' | 'recruiter'): Promise<Person> {
  const user = toPublicUser(await insertUser(t.database.db, { email: `${name.toLowerCase()}@agency.co`, name, role, passwordHash: 'x' }));
  const session = await createSession(t.database.db, user.id, new Date());
  return { id: user.id, name, cookie: `wasap_session=${session.token}`, csrf: session.csrfToken };
}

function as(t: TestApp, who: Person, path: string, form?: Record<string, string>, csrf = true): Promise<Response> {
  const headers: Record<string, string> = { cookie: who.cookie, accept: 'text/html' };
  if (!form) return t.request(path, { headers });
  if (csrf) headers['x-csrf-token'] = who.csrf;
  headers['content-type'] = 'application/x-www-form-urlencoded';
  return t.request(path, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
}

/** Three conversations: one assigned to Rita, one to Sofi, one unassigned — and a stored photo in Sofi's. */
async function world(t: TestApp) {
  const [rita, sofi, boss] = [await person(t, 'Rita', 'recruiter'), await person(t, 'Sofi', 'recruiter'), await person(t, 'Boss', 'admin')];
  const keys = ['+573004440001', '+573004440002', '+573004440003'];
  for (const key of keys) {
    await t.services.conversations.acceptInbound(inbound(key, `hola desde ${key}`));
    await t.services.conversations.registry.ask(key, () => null);
  }
  const ids = (await t.database.db.select({ id: conversations.id }).from(conversations).orderBy(conversations.id)).map((r) => r.id);
  await t.services.conversations.assign(keys[0]!, boss.id, rita.id);
  await t.services.conversations.assign(keys[1]!, boss.id, sofi.id);
  const blob = await t.services.blobs.put('media/2026/11/test.png', PNG, 'image/png');
  const [message] = await t.database.db.select({ id: messages.id }).from(messages).where(eq(messages.conversationId, ids[1]!));
  const [photo] = await t.database.db
    .insert(media)
    .values({ messageId: message!.id, kind: 'image', contentType: 'image/png', size: blob.size, blobKey: blob.key, checksum: blob.checksum, state: 'stored' })
    .returning({ id: media.id });
  return { rita, sofi, boss, keys, ids: { rita: ids[0]!, sofi: ids[1]!, open: ids[2]! }, photoId: photo!.id };
}

describe.each(drivers)('inbox on %s', (driver) => {
  test('the access matrix: a recruiter cannot read, reply in, change, or fetch media of a conversation assigned to someone else', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const w = await world(t);
    const list = await (await as(t, w.rita, '/inbox')).text();
    expect(list).toContain(`conv-row-${w.ids.rita}`);
    expect(list).toContain(`conv-row-${w.ids.open}`);
    expect(list).not.toContain(`conv-row-${w.ids.sofi}`);
    const denied = [
      await as(t, w.rita, `/inbox/${w.ids.sofi}`),
      await as(t, w.rita, `/inbox/${w.ids.sofi}/messages`, { body: 'hola' }),
      await as(t, w.rita, `/inbox/${w.ids.sofi}/status`, { status: 'closed' }),
      await as(t, w.rita, `/inbox/${w.ids.sofi}/assign`, { assigneeId: String(w.rita.id) }),
      await as(t, w.rita, `/inbox/${w.ids.sofi}/notes`, { body: 'spy' }),
      await as(t, w.rita, `/inbox/${w.ids.sofi}/bot/resume`, {}),
      await as(t, w.rita, `/media/${w.photoId}`),
    ];
    expect(denied.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    for (const response of denied) expect(await response.text()).not.toContain('hola desde');
    expect(await t.database.db.select().from(notes)).toEqual([]);
    // The owner and an admin can; media comes with headers that keep it inert.
    expect((await as(t, w.sofi, `/inbox/${w.ids.sofi}`)).status).toBe(200);
    const photo = await as(t, w.boss, `/media/${w.photoId}`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(photo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await photo.arrayBuffer())).toEqual(PNG);
    expect((await as(t, w.boss, '/inbox')).status).toBe(200);
  });

  test('replies, status, notes and assignment go through the actor, need the CSRF token, and are audited', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const w = await world(t);
    expect((await as(t, w.rita, `/inbox/${w.ids.open}/messages`, { body: 'hola' }, false)).status).toBe(403);
    const reply = await as(t, w.rita, `/inbox/${w.ids.open}/messages`, { body: 'Hola, soy Rita <b>' });
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain(`id="composer-${w.ids.open}"`);
    const sent = await t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'));
    expect(sent.map((m) => [m.body, m.authorId])).toEqual([['Hola, soy Rita <b>', w.rita.id]]);
    expect((await as(t, w.rita, `/inbox/${w.ids.open}/messages`, { body: '   ' })).status).toBe(422);
    // A recruiter may take an unassigned conversation, but not hand it to someone else.
    expect((await as(t, w.rita, `/inbox/${w.ids.open}/assign`, { assigneeId: String(w.sofi.id) })).status).toBe(403);
    expect((await as(t, w.rita, `/inbox/${w.ids.open}/assign`, { assigneeId: String(w.rita.id) })).status).toBe(200);
    expect((await as(t, w.rita, `/inbox/${w.ids.open}/status`, { status: 'closed' })).status).toBe(200);
    expect((await as(t, w.rita, `/inbox/${w.ids.open}/status`, { status: 'bogus' })).status).toBe(422);
    const note = await as(t, w.rita, `/inbox/${w.ids.open}/notes`, { body: 'Llamar mañana <script>x</script>' });
    expect(await note.text()).toContain('Llamar mañana &lt;script&gt;x&lt;/script&gt;');
    const [conversation] = await t.database.db.select().from(conversations).where(eq(conversations.id, w.ids.open));
    expect(conversation).toMatchObject({ assigneeId: w.rita.id, status: 'closed', botPaused: true });
    // The panel's history says what each change moved to, and who made it, in her words.
    const { aspirantPanel } = await import('../server/db/queries/chat');
    const events = (await aspirantPanel(t.database.db, w.ids.open))!.events;
    expect(events).toContainEqual(expect.objectContaining({ type: 'conversation.assigned', assignee: w.rita.name, by: w.rita.name }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'conversation.status_changed', status: 'closed', by: w.rita.name }));
    const actions = (
      await t.database.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.targetId, String(w.ids.open)))
    ).map((a) => [a.action, a.actor]);
    expect(actions).toEqual([
      ['conversation.assigned', 'rita@agency.co'],
      ['conversation.status_changed', 'rita@agency.co'],
      ['note.added', 'rita@agency.co'],
    ]);
    // Opening the conversation reads it.
    await as(t, w.rita, `/inbox/${w.ids.open}`);
    expect((await t.database.db.select().from(conversations).where(eq(conversations.id, w.ids.open)))[0]?.unreadCount).toBe(0);
  });
});

/** A /live socket signed in as `who`, collecting every frame it receives. */
async function openSocket(url: string, who: Person): Promise<{ socket: WebSocket; received: string[] }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/live`, { headers: { cookie: who.cookie } } as never);
  const received: string[] = [];
  const opened = Promise.withResolvers<void>();
  socket.onopen = () => opened.resolve();
  socket.onmessage = (event) => received.push(String(event.data));
  await opened.promise;
  return { socket, received };
}

describe('live socket', () => {
  test('subscriptions are checked: nothing of a conversation assigned to someone else reaches a recruiter', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    const w = await world(t);
    await using server = listen(t);
    const { socket, received } = await openSocket(server.url, w.rita);
    const refusal = Promise.withResolvers<void>();
    socket.addEventListener('message', (event) => String(event.data).includes('not allowed') && refusal.resolve());
    socket.send(JSON.stringify({ type: 'viewing', conversationId: w.ids.sofi }));
    await refusal.promise;
    // Rita hears her own list and the unassigned one, and what she opens.
    const own = Promise.withResolvers<void>();
    socket.addEventListener('message', (event) => String(event.data).includes(`conv-row-${w.ids.rita}`) && own.resolve());
    await t.services.conversations.acceptInbound(inbound(w.keys[1]!, 'secreto de Sofi'));
    await t.services.conversations.acceptInbound(inbound(w.keys[0]!, 'para Rita'));
    await own.promise;
    expect(received.join('\n')).not.toContain('secreto de Sofi');
    expect(received.join('\n')).not.toContain(`conv-row-${w.ids.sofi}`);
    socket.close();
    const anonymous = new WebSocket(`${server.url.replace('http', 'ws')}/live`);
    const closed = Promise.withResolvers<number>();
    anonymous.onclose = (event) => closed.resolve(event.code);
    anonymous.onerror = () => closed.resolve(-1);
    expect(await closed.promise).not.toBe(1000);
  });
});

describe('canned responses and templates', () => {
  test('admins manage canned responses (recruiters cannot); the composer offers them, and approved templates once the window closed', async () => {
    const template = { sid: `HX${'b'.repeat(32)}`, name: 'Seguimiento <b>', preview: 'Hola, ¿seguimos con tu proceso?' };
    let now = Date.now();
    await using t = await testApp('pglite', { env: { TWILIO_TEMPLATES: JSON.stringify([template]) }, overrides: { bot: false, now: () => now } });
    const w = await world(t);
    expect((await as(t, w.rita, '/admin/canned', { title: 'x', body: 'y' })).status).toBe(403);
    const created = await as(t, w.boss, '/admin/canned', { title: 'Bienvenida', body: 'Hola <3, gracias por escribir' });
    expect(created.status).toBe(303);
    expect(await (await as(t, w.boss, '/admin/canned')).text()).toContain('Hola &lt;3, gracias por escribir');
    const open = await (await as(t, w.rita, `/inbox/${w.ids.open}`)).text();
    expect(open).toContain('Hola &lt;3, gracias por escribir');
    expect(open).not.toContain('Seguimiento &lt;b&gt;');
    now += 25 * 3_600_000;
    const closed = await (await as(t, w.rita, `/inbox/${w.ids.open}`)).text();
    expect(closed).toContain('Seguimiento &lt;b&gt;');
    const refused = await as(t, w.rita, `/inbox/${w.ids.open}/messages`, { body: 'free text' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('ventana de 24 horas');
    expect((await as(t, w.rita, `/inbox/${w.ids.open}/messages`, { templateRef: template.sid })).status).toBe(200);
    const [sent] = await t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'));
    expect(sent).toMatchObject({ templateRef: template.sid });
  });
});

describe('canned responses managed in the admin language', () => {
  test('blank, too long or unstorable input is refused with a message in her language and what she typed kept; edits are saved and audited', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    const w = await world(t);
    const blankBody = await as(t, w.boss, '/admin/canned', { title: 'Saludo', body: '   \n  ' });
    expect(blankBody.status).toBe(422);
    const blankText = await blankBody.text();
    expect(blankText).toContain('Escribe el texto de la respuesta.');
    expect(blankText).toContain('value="Saludo"');
    expect((await as(t, w.boss, '/admin/canned', { title: ' ', body: 'hola' })).status).toBe(422);
    expect(await (await as(t, w.boss, '/admin/canned', { title: 'x'.repeat(81), body: 'hola' })).text()).toContain('El título admite hasta 80 caracteres.');
    expect(await (await as(t, w.boss, '/admin/canned', { title: 'Nulo', body: 'a\u0000b' })).text()).toContain('no se pueden guardar');
    expect(await t.database.db.select().from(cannedResponses)).toEqual([]);

    expect((await as(t, w.boss, '/admin/canned', { title: 'Saludo', body: 'Hola {firstName}' })).status).toBe(303);
    const [row] = await t.database.db.select().from(cannedResponses);
    expect(row).toMatchObject({ title: 'Saludo', body: 'Hola {firstName}' });
    const refused = await as(t, w.boss, `/admin/canned/${row!.id}`, { title: 'Saludo', body: '' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('<details open>');
    expect((await as(t, w.rita, `/admin/canned/${row!.id}`, { title: 'Hack', body: 'x' })).status).toBe(403);
    expect((await as(t, w.boss, `/admin/canned/${row!.id}`, { title: ' Saludo corto ', body: 'Hola {firstName}, ¿cómo vas?' })).status).toBe(303);
    expect((await t.database.db.select().from(cannedResponses))[0]).toMatchObject({ title: 'Saludo corto', body: 'Hola {firstName}, ¿cómo vas?' });
    expect(await (await as(t, w.boss, '/admin/canned/999999', { title: 'a', body: 'b' })).text()).toContain('Esa respuesta ya no existe.');
    const actions = (await t.database.db.select().from(auditLog)).map((a) => a.action).filter((a) => a.startsWith('canned.'));
    expect(actions).toEqual(['canned.created', 'canned.updated']);

    await setUserPreferences(t.database.db, { label: 'test' }, 'boss@agency.co', { locale: 'en' });
    expect(await (await as(t, w.boss, '/admin/canned', { title: 'Saludo', body: ' ' })).text()).toContain(Bun.escapeHTML("Write the response's text."));
  });
});

describe('canned responses filled for the aspirant', () => {
  test('the composer offers a canned response with her name, the agency and her own form link filled in, and it reaches Twilio so', async () => {
    await using fake = startFakeTwilio();
    await using t = await testApp('pglite', { env: { ...twilioEnv(fake), AGENCY_NAME: 'Estrellas <Talent>' }, overrides: { bot: false } });
    const w = await world(t);
    await as(t, w.boss, '/admin/canned', { title: 'Saludo', body: 'Hola {firstName}, soy de {agencyName}. Tu formulario: {formLink}' });
    const open = await (await as(t, w.rita, `/inbox/${w.ids.open}`)).text();
    const filled = /data-canned-body="([^"]*)"/.exec(open)?.[1];
    expect(filled).toBeDefined();
    // Attribute-escaped as everything untrusted; unescaped it is the text the recruiter sends.
    const body = filled!.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&').replaceAll('&#34;', '"');
    expect(body).toStartWith('Hola Valentina, soy de Estrellas <Talent>. Tu formulario: https://');
    expect(body).not.toContain('{');
    const link = /https:\/\/\S+/.exec(body)![0];
    // Her own link: the form it opens is hers to fill.
    const form = await t.request(new URL(link).pathname);
    expect(form.status).toBe(200);
    // Picked and sent as offered: what reaches Twilio has no placeholder left.
    expect((await as(t, w.rita, `/inbox/${w.ids.open}/messages`, { body })).status).toBe(200);
    const [sent] = await fake.waitForMessages(1);
    expect(sent!.body).toBe(body);
  });
});

describe.each(drivers)('pushed list rows on %s', (driver) => {
  test('the row pushed after a message (taken from the commit itself) equals the row the list query renders', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const w = await world(t);
    const pushed: string[] = [];
    t.services.hub.listen((topic, data) => topic === 'inbox:admin|any' && data.includes(`conv-row-${w.ids.rita}`) && pushed.push(data));
    const arrived = Promise.withResolvers<void>();
    t.services.hub.listen((topic, data) => topic === 'inbox:admin|any' && data.includes('segundo mensaje') && arrived.resolve());
    await t.services.conversations.acceptInbound(inbound(w.keys[0]!, 'segundo mensaje <b>'));
    await arrived.promise;
    const { conversationRow } = await import('../server/db/queries/inbox');
    const { ConversationRowPush } = await import('../views/inbox/conversation-list');
    const { translator } = await import('../views/i18n');
    // Listeners hear the Spanish, Colombian-time rendering (server/realtime/hub).
    const expected = await ConversationRowPush({ row: (await conversationRow(t.database.db, w.ids.rita))!, filters: { scope: 'all' }, i18n: translator('es', 'America/Bogota') });
    expect(pushed.at(-1)).toBe(expected);
  });
});

describe('filtered lists over the socket', () => {
  test('a tab filtered by status hears rows of that status only, and loses a row that leaves it', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    const w = await world(t);
    await using server = listen(t);
    const { socket, received } = await openSocket(server.url, w.boss);
    const listed = Promise.withResolvers<void>();
    socket.addEventListener('message', (event) => String(event.data).startsWith('{"type":"list"') && listed.resolve());
    socket.send(JSON.stringify({ type: 'list', scope: 'all', status: 'needs_attention' }));
    await listed.promise;
    // A message to a conversation in status "new" is not for this tab: only its removal is pushed.
    const removal = Promise.withResolvers<void>();
    socket.addEventListener('message', (event) => String(event.data) === `<div id="conv-row-${w.ids.open}" hx-swap-oob="delete"></div>` && removal.resolve());
    await t.services.conversations.acceptInbound(inbound(w.keys[2]!, 'hola otra vez'));
    await removal.promise;
    expect(received.join('\n')).not.toContain('hola otra vez');
    // Once it needs attention, it is pushed in full.
    const row = Promise.withResolvers<void>();
    socket.addEventListener('message', (event) => String(event.data).includes(`id="conv-row-${w.ids.open}"`) && String(event.data).includes('hola otra vez') && row.resolve());
    await t.services.conversations.setStatus(w.keys[2]!, w.boss.id, 'needs_attention');
    await row.promise;
    socket.close();
  });
});
