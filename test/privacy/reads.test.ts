/** @module test/privacy/reads.test — the audit of reads through app.handle: opens, files, searches recorded (not pushes, not pagination), shown to admins only, filtered and paged. */
import { describe, expect, test } from 'bun:test';
import { asc, eq } from 'drizzle-orm';
import { createSession } from '../../server/auth/sessions';
import { insertUser, toPublicUser } from '../../server/db/queries/users';
import { conversations, media, messages, readAudit } from '../../server/db/schema';
import { READS_PAGE_SIZE } from '../../server/routes/privacy/reads';
import { inbound } from '../support/bot';
import { testApp, type TestApp } from '../support/app';
import { drivers } from '../support/db';

const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));

interface Person {
  id: number;
  cookie: string;
}

async function person(t: TestApp, name: string, role: 'admin' | 'recruiter'): Promise<Person> {
  const user = toPublicUser(await insertUser(t.database.db, { email: `${name.toLowerCase()}@agency.co`, name, role, passwordHash: 'x', locale: 'en' }));
  const session = await createSession(t.database.db, user.id, new Date());
  return { id: user.id, cookie: `wasap_session=${session.token}` };
}

function get(t: TestApp, who: Person, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return t.request(path, { headers: { cookie: who.cookie, accept: 'text/html', ...headers } });
}

/** Two conversations (Rita's, Sofi's) with a stored photo and a PDF in Sofi's. */
async function world(t: TestApp) {
  const [rita, sofi, boss] = [await person(t, 'Rita', 'recruiter'), await person(t, 'Sofi', 'recruiter'), await person(t, 'Boss', 'admin')];
  const keys = ['+573004440001', '+573004440002'];
  for (const key of keys) {
    await t.services.conversations.acceptInbound(inbound(key, `hola desde ${key}`));
    await t.services.conversations.registry.ask(key, () => null);
  }
  const rows = await t.database.db.select({ id: conversations.id, aspirantId: conversations.aspirantId }).from(conversations).orderBy(asc(conversations.id));
  await t.services.conversations.assign(keys[0]!, boss.id, rita.id);
  await t.services.conversations.assign(keys[1]!, boss.id, sofi.id);
  const [message] = await t.database.db.select({ id: messages.id }).from(messages).where(eq(messages.conversationId, rows[1]!.id));
  const files = [];
  for (const [name, bytes, type] of [
    ['p.png', PNG, 'image/png'],
    ['cv.pdf', new TextEncoder().encode('%PDF-1.4'), 'application/pdf'],
  ] as const) {
    const blob = await t.services.blobs.put(`media/test/${name}`, bytes, type);
    const [row] = await t.database.db
      .insert(media)
      .values({ messageId: message!.id, kind: type === 'image/png' ? 'image' : 'document', contentType: type, size: blob.size, blobKey: blob.key, checksum: blob.checksum, state: 'stored' })
      .returning({ id: media.id });
    files.push(row!.id);
  }
  return { rita, sofi, boss, keys, rita1: rows[0]!, sofi1: rows[1]!, photoId: files[0]!, pdfId: files[1]! };
}

async function reads(t: TestApp) {
  await t.services.reads.idle();
  return (await t.database.db.select().from(readAudit).orderBy(asc(readAudit.id))).map((r) => ({
    userId: r.userId,
    actor: r.actor,
    action: r.action,
    aspirantId: r.aspirantId,
    conversationId: r.conversationId,
    mediaId: r.mediaId,
    details: r.details,
  }));
}

describe.each(drivers)('audit of reads on %s', (driver) => {
  test('an open, a file seen, a file downloaded and a search are recorded once each; pagination, seeking, pushes and refusals are not', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const w = await world(t);
    expect(await reads(t)).toEqual([]);
    // Opening a conversation: one read. Its older messages, the list's next page, a search typed beside it: no open.
    expect((await get(t, w.sofi, `/inbox/${w.sofi1.id}`)).status).toBe(200);
    await get(t, w.sofi, `/inbox/${w.sofi1.id}?before=999`);
    await get(t, w.sofi, `/inbox/${w.sofi1.id}?cursor=abc`);
    await get(t, w.sofi, `/inbox/${w.sofi1.id}?q=desde`, { 'hx-request': 'true', 'hx-target': 'ul#conv-list' });
    // A conversation she may not see: refused, nothing read.
    expect((await get(t, w.rita, `/inbox/${w.sofi1.id}`)).status).toBe(404);
    expect((await get(t, w.rita, `/media/${w.photoId}`)).status).toBe(404);
    // Files: a photo shown, the same photo asked as a download, a PDF (always an attachment), a player seeking.
    expect((await get(t, w.sofi, `/media/${w.photoId}`)).status).toBe(200);
    expect((await get(t, w.sofi, `/media/${w.photoId}?download=1`)).status).toBe(200);
    expect((await get(t, w.sofi, `/media/${w.pdfId}`)).status).toBe(200);
    expect((await get(t, w.sofi, `/media/${w.photoId}`, { range: 'bytes=10-' })).status).toBe(206);
    expect((await get(t, w.sofi, `/media/${w.photoId}`, { range: 'bytes=0-' })).status).toBe(206);
    // A search, and its next page (not another search).
    await get(t, w.rita, '/inbox?q=%20hola%20');
    await get(t, w.rita, '/inbox?q=hola&cursor=abc');
    // A message arriving is pushed to whoever watches: no read.
    await t.services.conversations.acceptInbound(inbound(w.keys[1]!, 'otra vez'));
    await t.services.conversations.registry.ask(w.keys[1]!, () => null);
    const sofi = { userId: w.sofi.id, actor: 'sofi@agency.co', aspirantId: w.sofi1.aspirantId, conversationId: w.sofi1.id, details: null };
    expect(await reads(t)).toEqual([
      { ...sofi, action: 'conversation.opened', mediaId: null },
      { ...sofi, action: 'search', aspirantId: null, conversationId: null, mediaId: null, details: { q: 'desde' } },
      { ...sofi, action: 'media.viewed', mediaId: w.photoId },
      { ...sofi, action: 'media.downloaded', mediaId: w.photoId },
      { ...sofi, action: 'media.downloaded', mediaId: w.pdfId },
      { ...sofi, action: 'media.viewed', mediaId: w.photoId },
      { userId: w.rita.id, actor: 'rita@agency.co', action: 'search', aspirantId: null, conversationId: null, mediaId: null, details: { q: 'hola' } },
    ]);
  });

  test('"who saw her data": admins see her last reads in the panel, recruiters get nothing; the admin list filters and pages', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const w = await world(t);
    await get(t, w.sofi, `/inbox/${w.sofi1.id}`);
    await get(t, w.sofi, `/media/${w.photoId}`);
    await get(t, w.rita, `/inbox/${w.rita1.id}`);
    await t.services.reads.idle();
    const section = await get(t, w.boss, `/privacy/conversations/${w.sofi1.id}/reads`);
    expect(section.status).toBe(200);
    const html = await section.text();
    expect(html).toContain(`id="privacy-reads-${w.sofi1.id}"`);
    expect(html).toContain('Sofi');
    expect(html).toContain('Viewed a file — file #' + w.photoId);
    expect(html).toContain('Opened the conversation');
    expect(html).not.toContain('Rita');
    const forRecruiter = await get(t, w.sofi, `/privacy/conversations/${w.sofi1.id}/reads`);
    expect([forRecruiter.status, await forRecruiter.text()]).toEqual([200, '']);
    expect((await get(t, w.boss, '/privacy/conversations/999999/reads')).status).toBe(404);
    // The admin page: recruiters are refused; filters by aspirant, user and action.
    expect((await get(t, w.sofi, '/admin/privacy/reads')).status).toBe(403);
    const rowsOf = async (query: string) => [...(await (await get(t, w.boss, `/admin/privacy/reads${query}`)).text()).matchAll(/id="read-(\d+)"/g)].length;
    expect(await rowsOf('')).toBe(3);
    expect(await rowsOf(`?aspirant=${w.sofi1.aspirantId}`)).toBe(2);
    expect(await rowsOf(`?user=${w.rita.id}`)).toBe(1);
    expect(await rowsOf(`?aspirant=${w.sofi1.aspirantId}&action=media.viewed`)).toBe(1);
    const bad = await get(t, w.boss, '/admin/privacy/reads?aspirant=abc');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Invalid filter');
    // Keyset pages: every read exactly once, newest first.
    const filler = Array.from({ length: READS_PAGE_SIZE + 5 }, () => ({
      userId: w.rita.id,
      actor: 'rita@agency.co',
      action: 'conversation.opened',
      aspirantId: w.rita1.aspirantId,
      conversationId: w.rita1.id,
    }));
    await t.database.db.insert(readAudit).values(filler);
    const seen: number[] = [];
    let path = `/admin/privacy/reads?user=${w.rita.id}`;
    for (let pages = 0; path && pages < 5; pages++) {
      const page = await (await get(t, w.boss, path)).text();
      seen.push(...[...page.matchAll(/id="read-(\d+)"/g)].map((m) => Number(m[1])));
      path = /rel="next" href="([^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&') ?? '';
    }
    expect(seen.length).toBe(READS_PAGE_SIZE + 6);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(seen.length);
  });
});
