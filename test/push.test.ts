/**
 * @module test/push.test — Web Push end to end: a browser's subscription through the real routes, an aspirant's
 * message through the simulator's webhook path, and what a push service receives — decrypted with the browser's own
 * keys — for exactly the users who may see the conversation; gone subscriptions, sign-out, disabling, slow services;
 * hosts that resolve inside the network (an injected resolver), a hanging push service that must delay nobody else,
 * endpoints taken over, and commits that read nothing while nobody is subscribed.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { createSession } from '../server/auth/sessions';
import { insertUser, toPublicUser } from '../server/db/queries/users';
import { conversations, pushSubscriptions, sessions } from '../server/db/schema';
import type { ResolvedAddress } from '../server/push/address';
import { MAX_CONSECUTIVE_TIMEOUTS, SUBSCRIPTIONS_RECHECK_MS } from '../server/push/notifier';
import { MAX_SUBSCRIPTIONS_PER_USER, saveSubscription } from '../server/push/store';
import { setUserDisabled } from '../server/services/users';
import { testApp, type TestApp } from './support/app';
import { drivers } from './support/db';
import { browserSubscription, startFakePushService, vapidToken, type BrowserSubscription, type FakePushService, type PushRequest } from './support/fake-push';

const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
const NUMBER = '+573005550101';

interface Person {
  id: number;
  email: string;
  cookie: string;
  csrf: string;
  browser: BrowserSubscription;
}

/** A user with a session and a browser subscribed (not yet sent) to `endpoint`, by default the fake's `/push/<name>`. */
async function person(t: TestApp, fake: FakePushService, name: string, role: 'admin' | 'recruiter', locale = 'es', endpoint = `${fake.url}/push/${name.toLowerCase()}`): Promise<Person> {
  const email = `${name.toLowerCase()}@agency.co`;
  const user = toPublicUser(await insertUser(t.database.db, { email, name, role, passwordHash: 'x', locale }));
  const session = await createSession(t.database.db, user.id, new Date());
  return { id: user.id, email, cookie: `wasap_session=${session.token}`, csrf: session.csrfToken, browser: browserSubscription(endpoint) };
}

function postJson(t: TestApp, path: string, body: unknown, who?: Pick<Person, 'cookie' | 'csrf'>): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (who) Object.assign(headers, { cookie: who.cookie, 'x-csrf-token': who.csrf });
  return t.request(path, { method: 'POST', headers, body: JSON.stringify(body) });
}

async function subscribe(t: TestApp, who: Person): Promise<void> {
  expect((await postJson(t, '/push/subscribe', who.browser.json, who)).status).toBe(204);
}

/** An aspirant's message through the simulator's phone (the webhook's own path), committed; its alerts may still be out. */
async function aspirantSends(t: TestApp, fields: { body?: string; photo?: Blob }): Promise<void> {
  const form = new FormData();
  form.set('number', NUMBER);
  form.set('name', 'Valentina Gómez');
  if (fields.body) form.set('body', fields.body);
  if (fields.photo) form.set('photo', fields.photo, 'foto.png');
  expect((await t.request('/dev/phone/messages', { method: 'POST', body: form })).status).toBe(303);
  await t.services.conversations.registry.ask(NUMBER, () => null);
}

/** An aspirant's message, processed and its alerts answered. */
async function aspirantWrites(t: TestApp, fields: { body?: string; photo?: Blob }): Promise<void> {
  await aspirantSends(t, fields);
  await t.services.push!.idle();
}

async function conversationId(t: TestApp): Promise<number> {
  const [row] = await t.database.db.select({ id: conversations.id }).from(conversations);
  return row!.id;
}

function decrypted(request: PushRequest, who: Person) {
  return JSON.parse(who.browser.decrypt(request.body)) as { conversationId: number; title: string; body: string; url: string };
}

function to(fake: FakePushService, who: Person, from = 0): PushRequest[] {
  return fake.received.slice(from).filter((r) => r.path === new URL(who.browser.json.endpoint).pathname);
}

const pushOptions = { allowLoopbackHttp: true };

describe.each(drivers)('Web Push on %s', (driver) => {
  test('an aspirant message alerts, encrypted and signed, every subscribed user who may see the conversation, in her language', async () => {
    await using fake = startFakePushService();
    await using t = await testApp(driver, { overrides: { bot: false, push: pushOptions } });
    const [boss, rita, sofi] = [await person(t, fake, 'Boss', 'admin'), await person(t, fake, 'Rita', 'recruiter', 'en'), await person(t, fake, 'Sofi', 'recruiter')];
    const key = await (await t.request('/push/key', { headers: { cookie: rita.cookie, accept: 'application/json' } })).json();
    for (const who of [boss, rita, sofi]) await subscribe(t, who);

    // Unassigned: every recruiter and the admin.
    await aspirantWrites(t, { body: 'Hola,\n quiero ser   modelo' });
    const id = await conversationId(t);
    expect(fake.received).toHaveLength(3);
    for (const who of [boss, rita, sofi]) {
      const [request] = to(fake, who);
      expect(decrypted(request!, who)).toEqual({ conversationId: id, title: 'Valentina Gómez', body: 'Hola, quiero ser modelo', url: `/inbox/${id}?scope=all` });
      expect(request!.headers.get('content-encoding')).toBe('aes128gcm');
      expect(request!.headers.get('urgency')).toBe('high');
      expect(request!.headers.get('topic')).toBe(`conv-${id}`);
      expect(Number(request!.headers.get('ttl'))).toBe(12 * 3600);
      const token = vapidToken(request!.headers.get('authorization'));
      expect(token.signed).toBe(true);
      expect(token.key).toBe(key.publicKey);
      expect(token.header.alg).toBe('ES256');
      expect(token.claims.aud).toBe(fake.url);
      expect(token.claims.sub).toBe(t.config.vapidSubject);
      expect(token.claims.exp * 1000).toBeGreaterThan(Date.now());
      expect(token.claims.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000);
    }

    // A photo alone is named in each reader's language.
    await aspirantWrites(t, { photo: new Blob([PNG], { type: 'image/png' }) });
    expect(fake.received).toHaveLength(6);
    expect(decrypted(to(fake, rita)[1]!, rita).body).toBe('📷 Photo');
    expect(decrypted(to(fake, boss)[1]!, boss).body).toBe('📷 Foto');

    // Assigned to Sofi: Rita may no longer see it and hears nothing; the admin and Sofi do.
    await t.services.conversations.assign(NUMBER, boss.id, sofi.id);
    await aspirantWrites(t, { body: 'Sigo aquí' });
    expect(fake.received).toHaveLength(8);
    expect(to(fake, rita, 6)).toEqual([]);
    expect(decrypted(to(fake, sofi, 6)[0]!, sofi).body).toBe('Sigo aquí');
    expect(decrypted(to(fake, boss, 6)[0]!, boss).body).toBe('Sigo aquí');
    const rows = await t.database.db.select().from(pushSubscriptions).orderBy(pushSubscriptions.id);
    expect(rows.map((r) => r.lastSuccessAt !== null)).toEqual([true, true, true]);
  });

  test('a subscription its push service says is gone (410) is deleted; one that fails otherwise is kept; a user without one gets nothing', async () => {
    await using fake = startFakePushService();
    await using t = await testApp(driver, { overrides: { bot: false, push: pushOptions } });
    const [rita, sofi] = [await person(t, fake, 'Rita', 'recruiter'), await person(t, fake, 'Sofi', 'recruiter')];
    await person(t, fake, 'Nadia', 'recruiter');
    await subscribe(t, rita);
    await subscribe(t, sofi);
    fake.answer('/push/rita', 410);
    fake.answer('/push/sofi', 503);
    await aspirantWrites(t, { body: 'hola' });
    expect(fake.received.map((r) => r.path).sort()).toEqual(['/push/rita', '/push/sofi']);
    const left = await t.database.db.select({ userId: pushSubscriptions.userId }).from(pushSubscriptions);
    expect(left).toEqual([{ userId: sofi.id }]);
    expect(t.logs.find((l) => l.msg === 'push not delivered')).toMatchObject({ status: 503, userId: sofi.id });
    // The endpoint, a capability URL, is never logged whole.
    expect(JSON.stringify(t.logs)).not.toContain('/push/sofi');
  });

  test('signing out, or being disabled, ends the subscriptions made in that session at once', async () => {
    await using fake = startFakePushService();
    await using t = await testApp(driver, { overrides: { bot: false, push: pushOptions } });
    const [boss, rita] = [await person(t, fake, 'Boss', 'admin'), await person(t, fake, 'Rita', 'recruiter')];
    await subscribe(t, boss);
    await subscribe(t, rita);
    const signOut = await t.request('/logout', { method: 'POST', headers: { cookie: rita.cookie, 'x-csrf-token': rita.csrf } });
    expect(signOut.status).toBe(303);
    await setUserDisabled(t.database.db, { label: 'test' }, boss.email, true);
    expect(await t.database.db.select().from(pushSubscriptions)).toEqual([]);
    await aspirantWrites(t, { body: 'hola' });
    expect(fake.received).toEqual([]);
  });

  test('an unanswered push service neither holds the commit nor the alerts after it: it is given up after the timeout', async () => {
    await using fake = startFakePushService();
    await using t = await testApp(driver, { overrides: { bot: false, push: { ...pushOptions, timeoutMs: 200 } } });
    const [rita, sofi] = [await person(t, fake, 'Rita', 'recruiter'), await person(t, fake, 'Sofi', 'recruiter')];
    await subscribe(t, rita);
    await subscribe(t, sofi);
    fake.hang('/push/rita');
    const form = new FormData();
    form.set('number', NUMBER);
    form.set('body', 'hola');
    expect((await t.request('/dev/phone/messages', { method: 'POST', body: form })).status).toBe(303);
    // The message is committed and listed while Rita's push service still has not answered.
    await t.services.conversations.registry.ask(NUMBER, () => null);
    await fake.arrived(2);
    expect(await t.database.db.select({ preview: conversations.lastMessagePreview }).from(conversations)).toEqual([{ preview: 'hola' }]);
    await t.services.push!.idle();
    expect(t.logs.find((l) => l.msg === 'push not delivered')).toMatchObject({ userId: rita.id, reason: 'no answer within 200 ms' });
    expect((await t.database.db.select().from(pushSubscriptions)).map((r) => r.userId).sort()).toEqual([rita.id, sofi.id].sort());
  });
});

describe.each(drivers)('Web Push on %s, against push services that are not what they seem', (driver) => {
  test('an endpoint whose host resolves inside the network is never posted to: deleted and logged once; a public one is posted to its vetted address only', async () => {
    await using fake = startFakePushService({ tls: true });
    const answers = new Map<string, string[]>([
      ['push.example.com', ['142.250.64.74']],
      ['private.push.example.com', ['10.0.0.5']],
      ['loopback.push.example.com', ['127.0.0.1']],
      ['v6.push.example.com', ['::1']],
      ['mixed.push.example.com', ['142.250.64.75', '::ffff:169.254.169.254']],
    ]);
    const asked: string[] = [];
    const dialled: string[] = [];
    const resolve = async (host: string): Promise<ResolvedAddress[]> => {
      asked.push(host);
      return (answers.get(host) ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    // The fake push service on 127.0.0.1 stands in for the internet: a vetted address is dialled there.
    const testNetwork = { ca: fake.ca, dial: (to: ResolvedAddress) => (dialled.push(to.address), { address: '127.0.0.1', family: 4 as const, port: fake.port }) };
    await using t = await testApp(driver, { overrides: { bot: false, push: { resolve, testNetwork } } });
    const people = [
      ['Boss', 'admin', 'push.example.com'],
      ['Rita', 'recruiter', 'private.push.example.com'],
      ['Sofi', 'recruiter', 'loopback.push.example.com'],
      ['Nadia', 'recruiter', 'v6.push.example.com'],
      ['Vale', 'recruiter', 'mixed.push.example.com'],
    ] as const;
    const [boss, ...insiders] = await Promise.all(people.map(([name, role, host]) => person(t, fake, name, role, 'es', `https://${host}/push/${name.toLowerCase()}`)));
    for (const who of [boss!, ...insiders]) await subscribe(t, who);

    await aspirantWrites(t, { body: 'hola' });
    expect(fake.received.map((r) => r.path)).toEqual(['/push/boss']);
    expect(decrypted(fake.received[0]!, boss!).body).toBe('hola');
    expect(dialled).toEqual(['142.250.64.74']);
    expect((await t.database.db.select({ userId: pushSubscriptions.userId }).from(pushSubscriptions)).map((r) => r.userId)).toEqual([boss!.id]);
    const refusals = () => t.logs.filter((l) => String(l.msg).startsWith('push endpoint refused'));
    expect(refusals().map((l) => [l.userId, l.address, l.reason])).toEqual(
      expect.arrayContaining([
        [insiders[0]!.id, '10.0.0.5', 'private (RFC 1918)'],
        [insiders[1]!.id, '127.0.0.1', 'loopback (RFC 1122)'],
        [insiders[2]!.id, '::1', 'loopback (RFC 4291)'],
        [insiders[3]!.id, '::ffff:169.254.169.254', expect.stringContaining('link-local')],
      ]),
    );
    expect(refusals()).toHaveLength(4);

    // Deleted, they are neither looked up nor logged again.
    asked.length = 0;
    await aspirantWrites(t, { body: 'sigo' });
    expect(asked).toEqual(['push.example.com']);
    expect(fake.received).toHaveLength(2);
    expect(refusals()).toHaveLength(4);

    // The host is looked up before each POST: once it points inside, nothing more goes out.
    answers.set('push.example.com', ['10.1.2.3']);
    await aspirantWrites(t, { body: '¿hola?' });
    expect(fake.received).toHaveLength(2);
    expect(dialled).toEqual(['142.250.64.74', '142.250.64.74']);
    expect(refusals()).toHaveLength(5);
    expect(await t.database.db.select().from(pushSubscriptions)).toEqual([]);
    // The endpoints, capability URLs, are never logged whole: the host is.
    for (const [name] of people) expect(JSON.stringify(t.logs)).not.toContain(`/push/${name.toLowerCase()}`);
  });

  test("a push service that never answers delays only its own user's alerts: another user's arrive while it hangs", async () => {
    await using slow = startFakePushService();
    await using fast = startFakePushService();
    await using t = await testApp(driver, { overrides: { bot: false, push: { ...pushOptions, timeoutMs: 20_000 } } });
    const rita = await person(t, slow, 'Rita', 'recruiter');
    const sofi = await person(t, fast, 'Sofi', 'recruiter');
    // Rita's five devices all sit on a push service that never answers.
    for (let i = 1; i <= 5; i++) {
      slow.hang(`/push/rita-${i}`);
      const device = browserSubscription(`${slow.url}/push/rita-${i}`);
      expect((await postJson(t, '/push/subscribe', device.json, rita)).status).toBe(204);
    }
    await subscribe(t, sofi);
    await aspirantSends(t, { body: 'uno' });
    await aspirantSends(t, { body: 'dos' });
    // Sofi has both alerts while Rita's service still holds its first two requests, and only those.
    await Promise.all([fast.arrived(2), slow.arrived(2)]);
    expect(fast.received.map((r) => decrypted(r, sofi).body)).toEqual(['uno', 'dos']);
    expect(slow.received).toHaveLength(2);
    expect(t.logs.filter((l) => l.msg === 'push not delivered')).toEqual([]);
  });

  test(`a subscription whose push service does not answer ${MAX_CONSECUTIVE_TIMEOUTS} times in a row is deleted; an answer in between starts the count again`, async () => {
    await using fake = startFakePushService();
    await using t = await testApp(driver, { overrides: { bot: false, push: { ...pushOptions, timeoutMs: 200 } } });
    const [rita, sofi] = [await person(t, fake, 'Rita', 'recruiter'), await person(t, fake, 'Sofi', 'recruiter')];
    await subscribe(t, rita);
    await subscribe(t, sofi);
    const ritas = () => to(fake, rita).length;
    const subscribed = async () => (await t.database.db.select({ userId: pushSubscriptions.userId }).from(pushSubscriptions)).map((r) => r.userId).sort();

    fake.hang('/push/rita');
    for (let i = 1; i < MAX_CONSECUTIVE_TIMEOUTS; i++) await aspirantWrites(t, { body: `${i}` });
    fake.answer('/push/rita', 201);
    await aspirantWrites(t, { body: 'answered' });
    fake.hang('/push/rita');
    for (let i = 1; i < MAX_CONSECUTIVE_TIMEOUTS; i++) await aspirantWrites(t, { body: `${i}` });
    expect(await subscribed()).toEqual([rita.id, sofi.id].sort());
    expect(t.logs.filter((l) => l.msg === 'push not delivered' && l.userId === rita.id)).toHaveLength(2 * (MAX_CONSECUTIVE_TIMEOUTS - 1));

    await aspirantWrites(t, { body: 'one too many' });
    expect(await subscribed()).toEqual([sofi.id]);
    const givenUp = t.logs.filter((l) => String(l.msg).startsWith('push subscription given up'));
    expect(givenUp).toHaveLength(1);
    expect(givenUp[0]).toMatchObject({ userId: rita.id, subscriptionId: expect.any(Number), reason: 'no answer within 200 ms' });
    const sent = ritas();
    await aspirantWrites(t, { body: 'after' });
    expect(ritas()).toBe(sent);
    expect(to(fake, sofi)).toHaveLength(2 * MAX_CONSECUTIVE_TIMEOUTS + 1);
  });

  test('while no subscription exists a commit reads nothing; a subscription made here counts at once, one made by another process within the recheck', async () => {
    await using fake = startFakePushService();
    let clock = 0;
    await using t = await testApp(driver, { overrides: { bot: false, push: { ...pushOptions, clock: () => clock } } });
    const [rita, sofi] = [await person(t, fake, 'Rita', 'recruiter'), await person(t, fake, 'Sofi', 'recruiter')];
    const push = t.services.push!;
    for (const body of ['uno', 'dos', 'tres']) await aspirantWrites(t, { body });
    expect(push.stats()).toEqual({ subscriptionChecks: 1, recipientReads: 0 });

    await subscribe(t, rita);
    await aspirantWrites(t, { body: 'cuatro' });
    expect(to(fake, rita)).toHaveLength(1);
    expect(push.stats()).toEqual({ subscriptionChecks: 1, recipientReads: 1 });

    expect((await postJson(t, '/push/unsubscribe', { endpoint: rita.browser.json.endpoint }, rita)).status).toBe(204);
    await aspirantWrites(t, { body: 'cinco' });
    expect(push.stats()).toEqual({ subscriptionChecks: 2, recipientReads: 1 });

    // Another process sharing the database stores Sofi's subscription: seen once the answer is SUBSCRIPTIONS_RECHECK_MS old.
    expect(await t.database.db.select().from(pushSubscriptions)).toEqual([]);
    const [sofis] = await t.database.db.select({ hash: sessions.tokenHash }).from(sessions).where(eq(sessions.userId, sofi.id));
    const keys = sofi.browser.json.keys;
    await saveSubscription(t.database.db, { userId: sofi.id, sessionTokenHash: sofis!.hash }, { endpoint: sofi.browser.json.endpoint, ...keys }, push.publicKey);
    await aspirantWrites(t, { body: 'seis' });
    expect(to(fake, sofi)).toEqual([]);
    clock += SUBSCRIPTIONS_RECHECK_MS;
    await aspirantWrites(t, { body: 'siete' });
    expect(to(fake, sofi).map((r) => decrypted(r, sofi).body)).toEqual(['siete']);
    expect(push.stats()).toEqual({ subscriptionChecks: 3, recipientReads: 2 });
  });
});

describe('Web Push routes', () => {
  test('need a session (401 for a script, the sign-in page for a browser) and the CSRF token; bad subscriptions are a clear 422', async () => {
    await using fake = startFakePushService();
    await using t = await testApp('pglite', { overrides: { bot: false } });
    const rita = await person(t, fake, 'Rita', 'recruiter');
    expect((await t.request('/push/key', { headers: { accept: 'application/json' } })).status).toBe(401);
    const page = await t.request('/push/key', { headers: { accept: 'text/html' } });
    expect([page.status, page.headers.get('location')]).toEqual([303, '/login?next=%2Fpush%2Fkey']);
    expect((await postJson(t, '/push/subscribe', rita.browser.json)).status).toBe(401);
    expect((await postJson(t, '/push/subscribe', rita.browser.json, { cookie: rita.cookie, csrf: 'wrong' })).status).toBe(403);

    const key = await t.request('/push/key', { headers: { cookie: rita.cookie, accept: 'application/json' } });
    expect(key.status).toBe(200);
    expect(Buffer.from((await key.json()).publicKey, 'base64url')).toHaveLength(65);

    // Without the test option even a loopback endpoint is refused: only a push service's https URL is taken.
    const loopback = await postJson(t, '/push/subscribe', rita.browser.json, rita);
    expect(loopback.status).toBe(422);
    expect(await loopback.json()).toMatchObject({ error: { code: 'PUSH_SUBSCRIPTION_INVALID', field: 'endpoint' } });
    const endpoint = 'https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk';
    const badKey = await postJson(t, '/push/subscribe', { endpoint, keys: { ...rita.browser.json.keys, p256dh: 'AAAA' } }, rita);
    expect(badKey.status).toBe(422);
    expect((await badKey.json()).error.message).toStartWith('keys.p256dh: expected 65 bytes in base64url');
    const notJson = await postJson(t, '/push/subscribe', { endpoint }, rita);
    expect(notJson.status).toBe(422);
    expect(await t.database.db.select().from(pushSubscriptions)).toEqual([]);

    // A good one is stored once however often the page refreshes it, and unsubscribing removes it.
    const good = { ...rita.browser.json, endpoint };
    expect((await postJson(t, '/push/subscribe', good, rita)).status).toBe(204);
    expect((await postJson(t, '/push/subscribe', good, rita)).status).toBe(204);
    expect((await t.database.db.select().from(pushSubscriptions)).map((r) => [r.userId, r.endpoint])).toEqual([[rita.id, endpoint]]);
    expect((await postJson(t, '/push/unsubscribe', { endpoint }, { cookie: rita.cookie, csrf: 'wrong' })).status).toBe(403);
    expect((await postJson(t, '/push/unsubscribe', { endpoint }, rita)).status).toBe(204);
    expect(await t.database.db.select().from(pushSubscriptions)).toEqual([]);
  });

  test('an endpoint another user subscribed moves only with the same keys (the same browser); otherwise 409; a user keeps her latest few devices', async () => {
    await using fake = startFakePushService();
    await using t = await testApp('pglite', { overrides: { bot: false, push: pushOptions } });
    const [rita, sofi] = [await person(t, fake, 'Rita', 'recruiter'), await person(t, fake, 'Sofi', 'recruiter')];
    const owners = async () => (await t.database.db.select({ userId: pushSubscriptions.userId, p256dh: pushSubscriptions.p256dh }).from(pushSubscriptions)).map((r) => [r.userId, r.p256dh]);
    await subscribe(t, rita);
    const ritas = rita.browser.json;

    // Sofi sends Rita's endpoint with keys of her own: refused, and Rita keeps it.
    const other = browserSubscription(ritas.endpoint).json;
    const taken = await postJson(t, '/push/subscribe', other, sofi);
    expect(taken.status).toBe(409);
    expect((await taken.json()).error).toMatchObject({ code: 'PUSH_SUBSCRIPTION_TAKEN', message: expect.stringContaining('another user') });
    expect(await owners()).toEqual([[rita.id, ritas.keys.p256dh]]);

    // The same browser (endpoint and keys), now signed in as Sofi: it is hers.
    expect((await postJson(t, '/push/subscribe', ritas, sofi)).status).toBe(204);
    expect(await owners()).toEqual([[sofi.id, ritas.keys.p256dh]]);
    // Her own endpoint with new keys is hers to refresh.
    expect((await postJson(t, '/push/subscribe', other, sofi)).status).toBe(204);
    expect(await owners()).toEqual([[sofi.id, other.keys.p256dh]]);

    // A user keeps her MAX_SUBSCRIPTIONS_PER_USER most recent devices.
    const devices = Array.from({ length: MAX_SUBSCRIPTIONS_PER_USER + 1 }, (_, i) => browserSubscription(`${fake.url}/push/rita-${i}`).json);
    for (const device of devices) expect((await postJson(t, '/push/subscribe', device, rita)).status).toBe(204);
    const kept = await t.database.db.select({ endpoint: pushSubscriptions.endpoint }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, rita.id));
    expect(MAX_SUBSCRIPTIONS_PER_USER).toBe(5);
    expect(kept.map((r) => r.endpoint).sort()).toEqual(
      devices
        .slice(1)
        .map((d) => d.endpoint)
        .sort(),
    );
  });

  test('the service worker is served at /sw.js for scope /, and the inbox page allows it', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    const worker = await t.request('/sw.js');
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-type')).toStartWith('text/javascript');
    expect(await worker.text()).toContain("addEventListener('push'");
    expect((await t.request('/assets/push.js')).status).toBe(200);
    const login = await t.request('/login', { headers: { accept: 'text/html' } });
    expect(login.headers.get('content-security-policy')).toContain("worker-src 'self'");
  });
});

describe('Web Push on a server with conversations assigned to others', () => {
  test('an admin-assigned conversation does not reach a recruiter who subscribed, even after she subscribes again', async () => {
    await using fake = startFakePushService();
    await using t = await testApp('pglite', { overrides: { bot: false, push: pushOptions } });
    const [boss, rita, sofi] = [await person(t, fake, 'Boss', 'admin'), await person(t, fake, 'Rita', 'recruiter'), await person(t, fake, 'Sofi', 'recruiter')];
    await aspirantWrites(t, { body: 'primero' });
    await t.services.conversations.assign(NUMBER, boss.id, sofi.id);
    await subscribe(t, rita);
    await subscribe(t, rita);
    await aspirantWrites(t, { body: 'segundo' });
    expect(fake.received).toEqual([]);
    expect((await t.database.db.select().from(conversations).where(eq(conversations.assigneeId, sofi.id))).length).toBe(1);
  });
});
