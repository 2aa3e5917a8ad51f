/** @module server/db/queries/inbox.test — the inbox list's `waiting` filter: who waits, longest wait first, keyset-paged, on both drivers. */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { drivers, testDatabase } from '../../../test/support/db';
import type { Db } from '../client';
import { rowsOf } from '../rows';
import { users } from '../schema';
import { listConversations, PAGE_SIZE, type ListFilters, type Viewer } from './inbox';

const BASE = '2026-11-27T10:00:00.000Z';

/**
 * 140 conversations: every 7th waits for nobody, every 10th is archived, every 11th is assigned to someone else; the
 * rest wait, later ids longer (so the order is not the ids'), three at a time at the same millisecond (ties by id).
 * Their last messages are in whole milliseconds, as the commit lanes write them (the newest-first cursor carries ms).
 */
async function seed(db: Db): Promise<{ rita: Viewer; waits: { id: number; at: number; status: string; assigneeId: number | null }[] }> {
  const [rita, sofi] = await db
    .insert(users)
    .values([
      { email: 'rita@agency.co', name: 'Rita', passwordHash: 'x' },
      { email: 'sofi@agency.co', name: 'Sofi', passwordHash: 'x' },
    ])
    .returning({ id: users.id });
  await db.execute(sql`insert into aspirants (whatsapp_id) select '+5731' || lpad(g::text, 8, '0') from generate_series(1, 140) g`);
  await db.execute(sql`
    insert into conversations (aspirant_id, status, assignee_id, waiting_since, last_message_at)
    select id, case when id % 10 = 0 then 'archived' else 'open' end::conversation_status,
           case when id % 11 = 0 then ${sofi!.id}::int end,
           case when id % 7 <> 0 then ${BASE}::timestamptz + ((140 - id) / 3) * interval '1.5 second' end,
           ${BASE}::timestamptz + (id / 2) * interval '1 minute'
    from aspirants order by id`);
  const rows = rowsOf<{ id: number; ms: number | null; status: string; assignee_id: number | null }>(
    await db.execute(sql`select id, extract(epoch from waiting_since) * 1000 as ms, status::text as status, assignee_id from conversations`),
  );
  const waits = rows.flatMap((r) => (r.ms === null ? [] : [{ id: Number(r.id), at: Number(r.ms), status: r.status, assigneeId: r.assignee_id === null ? null : Number(r.assignee_id) }]));
  return { rita: { id: rita!.id, role: 'recruiter' }, waits };
}

/** Every page of the list, following nextCursor; the cursors too. */
async function allPages(db: Db, viewer: Viewer, filters: ListFilters) {
  const pages: { ids: number[]; at: (number | null)[]; cursor?: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await listConversations(db, viewer, filters, cursor);
    pages.push({ ids: page.rows.map((r) => r.id), at: page.rows.map((r) => r.waitingSince?.getTime() ?? null), cursor: page.nextCursor });
    cursor = page.nextCursor;
  } while (cursor && pages.length < 10);
  return pages;
}

const longestFirst = (a: { id: number; at: number }, b: { id: number; at: number }) => a.at - b.at || a.id - b.id;

describe.each(drivers)('the waiting list on %s', (driver) => {
  test('who waits, archived left out, longest wait first (ties by id), paged by its own cursor without gaps or repeats', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const { waits } = await seed(db);
    const admin: Viewer = { id: 0, role: 'admin' };

    const expected = waits.filter((w) => w.status !== 'archived').sort(longestFirst);
    expect(expected.length).toBeGreaterThan(2 * PAGE_SIZE);
    // A tie at the second page's end: the cursor's id must tell the rows of one millisecond apart.
    expect(expected[2 * PAGE_SIZE - 1]!.at).toBe(expected[2 * PAGE_SIZE]!.at);
    const pages = await allPages(db, admin, { scope: 'all', status: 'waiting' });
    expect(pages.map((p) => p.ids.length)).toEqual([PAGE_SIZE, PAGE_SIZE, expected.length - 2 * PAGE_SIZE]);
    expect(pages.flatMap((p) => p.ids)).toEqual(expected.map((w) => w.id));
    expect(pages.flatMap((p) => p.at)).toEqual(expected.map((w) => w.at));
    // Its own format: `w`, the last row's waiting_since, its id; the last page has none.
    const last = expected[PAGE_SIZE - 1]!;
    expect(pages[0]!.cursor).toBe(`w${new Date(last.at).toISOString()}_${last.id}`);
    expect(pages.at(-1)!.cursor).toBeUndefined();
  });

  test('the waiting list keeps to what a recruiter may see; a cursor of the other list starts it over', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const { rita, waits } = await seed(db);

    const visible = waits.filter((w) => w.status !== 'archived' && w.assigneeId === null).sort(longestFirst);
    const pages = await allPages(db, rita, { scope: 'all', status: 'waiting' });
    expect(pages.flatMap((p) => p.ids)).toEqual(visible.map((w) => w.id));

    const newest = await listConversations(db, rita, { scope: 'all' });
    expect(newest.nextCursor).toMatch(/^\d{4}-.*Z_\d+$/);
    const startedOver = await listConversations(db, rita, { scope: 'all', status: 'waiting' }, newest.nextCursor);
    expect(startedOver.rows.map((r) => r.id)).toEqual(visible.slice(0, PAGE_SIZE).map((w) => w.id));
  });

  test('the newest-first list still pages by its own cursor, and its rows carry waitingSince', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const { waits } = await seed(db);
    const admin: Viewer = { id: 0, role: 'admin' };
    const pages = await allPages(db, admin, { scope: 'all' });
    const ids = pages.flatMap((p) => p.ids);
    // 14 of 140 are archived (every 10th).
    expect([ids.length, new Set(ids).size]).toEqual([126, 126]);
    const waitingAt = new Map(waits.map((w) => [w.id, w.at]));
    expect(pages.flatMap((p) => p.at)).toEqual(ids.map((id) => waitingAt.get(id) ?? null));
  });
});

describe('malformed cursors', () => {
  test('a cursor whose date does not exist or whose id is past int4 starts at the first page, never an error', async () => {
    await using database = await testDatabase('pglite');
    const viewer = { id: 1, role: 'admin' as const };
    const first = await listConversations(database.db, viewer, { scope: 'all', status: 'waiting' });
    for (const cursor of ['w9999-99-99T99:99:99Z_1', 'w2026-01-01T00:00:00Z_99999999999', '9999-99-99T99:99:99Z_1', '2026-01-01T00:00:00Z_99999999999']) {
      const status = cursor.startsWith('w') ? ('waiting' as const) : undefined;
      expect(await listConversations(database.db, viewer, { scope: 'all', status }, cursor)).toEqual(status ? first : await listConversations(database.db, viewer, { scope: 'all' }));
    }
  });
});
