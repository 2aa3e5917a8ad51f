/**
 * @module test/privacy/retention.test — retention on a database of crafted conversations with an injected clock: each
 * rule at its boundary, the exclusions, a dry run that erases nothing, a run that erases only what is due, and the
 * daily claim that never runs twice a day.
 */
import { describe, expect, test } from 'bun:test';
import { asc, eq } from 'drizzle-orm';
import { retentionConfig, type RetentionConfig } from '../../server/config-retention';
import type { Db } from '../../server/db/client';
import { aspirants, auditLog, conversations, dataSubjectRequests, guardians, messages, users } from '../../server/db/schema';
import { createRetentionQueue } from '../../server/jobs/retention';
import { createJobRunner } from '../../server/jobs/runner';
import { createLogger } from '../../server/logger';
import { createMetrics } from '../../server/metrics';
import { dueForRetention } from '../../server/privacy/retention';
import { claimDailyRun, runRetention, type RetentionReport } from '../../server/privacy/retention-run';
import { drivers, testDatabase } from '../support/db';

const NOW = new Date('2026-12-01T15:00:00Z');
const SETTINGS: RetentionConfig = retentionConfig({ RETENTION_CLOSED_NO_HANDOFF: '6mo', RETENTION_CLOSED: '24mo', RETENTION_INACTIVE: '36mo' });
const logger = createLogger('silent');

interface Craft {
  status?: 'new' | 'open' | 'closed' | 'archived' | 'needs_attention';
  last: string;
  assigned?: boolean;
  recruiterWrote?: boolean;
  birthDate?: string;
  guardianAuthorised?: boolean;
  request?: 'received' | 'in_progress' | 'done';
}

let serial = 0;

/** One aspirant with her conversation as described; returns her aspirant id. */
async function craft(db: Db, c: Craft): Promise<number> {
  const key = `+5730000${String(++serial).padStart(5, '0')}`;
  const [a] = await db.insert(aspirants).values({ whatsappId: key, phone: key, firstName: 'Ana', birthDate: c.birthDate }).returning({ id: aspirants.id });
  const [boss] = await db.select({ id: users.id }).from(users).limit(1);
  const [conv] = await db
    .insert(conversations)
    .values({ aspirantId: a!.id, status: c.status ?? 'closed', lastMessageAt: new Date(c.last), assigneeId: c.assigned ? boss!.id : null })
    .returning({ id: conversations.id });
  await db.insert(messages).values({ conversationId: conv!.id, sender: 'aspirant', body: 'hola', status: 'delivered', createdAt: new Date(c.last) });
  if (c.recruiterWrote) await db.insert(messages).values({ conversationId: conv!.id, sender: 'recruiter', authorId: boss!.id, body: 'hola Ana', status: 'sent', createdAt: new Date(c.last) });
  if (c.birthDate)
    await db
      .insert(guardians)
      .values({ aspirantId: a!.id, name: 'Madre', documentType: 'cc', documentNumber: '123', relationship: 'mother', authorisedAt: c.guardianAuthorised ? new Date('2025-01-01') : null });
  if (c.request) await db.insert(dataSubjectRequests).values({ aspirantId: a!.id, right: 'access', category: 'query', channel: 'whatsapp', status: c.request, dueOn: '2026-12-15' });
  return a!.id;
}

/** The crafted table: what each row is, and whether (and by which rule) it is due at NOW. */
async function world(db: Db) {
  await db.insert(users).values({ email: 'boss@agency.co', name: 'Boss', role: 'admin', passwordHash: 'x' });
  return {
    noHandoffAtBoundary: await craft(db, { last: '2026-06-01T15:00:00Z' }),
    noHandoffJustInside: await craft(db, { status: 'archived', last: '2026-06-01T15:00:00.001Z' }),
    assignedClosed: await craft(db, { last: '2025-01-01T00:00:00Z', assigned: true }),
    recruiterClosedAtBoundary: await craft(db, { status: 'archived', last: '2024-12-01T15:00:00Z', recruiterWrote: true }),
    recruiterClosedJustInside: await craft(db, { last: '2024-12-01T15:00:00.001Z', recruiterWrote: true }),
    openInactiveAtBoundary: await craft(db, { status: 'open', last: '2023-12-01T15:00:00Z' }),
    openRecent: await craft(db, { status: 'open', last: '2026-11-30T00:00:00Z' }),
    closedRecent: await craft(db, { last: '2026-11-30T00:00:00Z' }),
    openRequest: await craft(db, { last: '2020-01-01T00:00:00Z', request: 'in_progress' }),
    receivedRequest: await craft(db, { last: '2020-01-01T00:00:00Z', request: 'received' }),
    doneRequest: await craft(db, { last: '2020-01-01T00:00:00Z', request: 'done' }),
    minorAwaiting: await craft(db, { last: '2020-01-01T00:00:00Z', birthDate: '2010-05-05' }),
    minorAuthorised: await craft(db, { last: '2020-01-01T00:00:00Z', birthDate: '2010-05-05', guardianAuthorised: true }),
    adultSinceToday: await craft(db, { last: '2020-01-01T00:00:00Z', birthDate: '2008-12-01' }),
  };
}

const remaining = async (db: Db) => (await db.select({ id: aspirants.id }).from(aspirants).orderBy(asc(aspirants.id))).map((r) => r.id);
const fakeErase = (db: Db) => async (id: number) => void (await db.delete(aspirants).where(eq(aspirants.id, id)));

describe.each(drivers)('retention on %s', (driver) => {
  test('each rule at exactly its period; open requests, minors awaiting a guardian and recent messages are never due', async () => {
    await using database = await testDatabase(driver);
    const w = await world(database.db);
    const due = await dueForRetention(database.db, NOW, SETTINGS);
    expect(due.map((d) => [d.aspirantId, d.rule]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [w.noHandoffAtBoundary, 'closed_no_handoff'],
      [w.recruiterClosedAtBoundary, 'closed'],
      [w.openInactiveAtBoundary, 'inactive'],
      [w.doneRequest, 'closed_no_handoff'],
      [w.minorAuthorised, 'closed_no_handoff'],
      [w.adultSinceToday, 'closed_no_handoff'],
    ]);
    // Oldest activity first; her number masked, nothing else about her.
    expect(due[0]).toEqual({
      aspirantId: w.doneRequest,
      conversationId: expect.any(Number),
      rule: 'closed_no_handoff',
      lastMessageAt: new Date('2020-01-01T00:00:00Z'),
      maskedPhone: expect.stringMatching(/^\+57•+\d\d$/),
    });
    // An assignment counts as a hand-off: her closed conversation waits 24 months.
    expect(due.map((d) => d.aspirantId)).not.toContain(w.assignedClosed);
    // Every rule off: nothing is due.
    expect(await dueForRetention(database.db, NOW, { periods: { closed_no_handoff: null, closed: null, inactive: null } })).toEqual([]);
  });

  test('a dry run lists and erases nothing; a run erases exactly what is due and reports ids and counts per rule', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const w = await world(db);
    const before = await remaining(db);
    const dry = await runRetention({ db, logger, settings: SETTINGS, erase: fakeErase(db) }, { now: NOW, dryRun: true, trigger: 'manual', actor: 'cli' });
    expect(dry.due).toHaveLength(6);
    expect(dry.report).toMatchObject({ dryRun: true, due: { closed_no_handoff: 4, closed: 1, inactive: 1 }, erased: { closed_no_handoff: 0, closed: 0, inactive: 0 }, erasedIds: [] });
    expect(await remaining(db)).toEqual(before);
    const due = new Set(dry.due.map((d) => d.aspirantId));
    const run = await runRetention({ db, logger, settings: SETTINGS, erase: fakeErase(db) }, { now: NOW, dryRun: false, trigger: 'manual', actor: 'boss@agency.co' });
    expect(new Set(run.report.erasedIds)).toEqual(due);
    expect(run.report.erased).toEqual({ closed_no_handoff: 4, closed: 1, inactive: 1 });
    expect(await remaining(db)).toEqual(before.filter((id) => !due.has(id)));
    expect(await remaining(db)).toContain(w.minorAwaiting);
    // Two reports, ids only: nothing of hers (no number, no name) in them.
    const reports = await db.select().from(auditLog).where(eq(auditLog.action, 'retention.ran')).orderBy(asc(auditLog.id));
    expect(reports.map((r) => [r.actor, (r.details as RetentionReport).dryRun])).toEqual([
      ['cli', true],
      ['boss@agency.co', false],
    ]);
    expect(JSON.stringify(reports)).not.toMatch(/\+5730|Ana/);
  });

  test('an erasure that fails is reported and the others go on; without an erasure every run is a dry run', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    await world(db);
    const due = await dueForRetention(db, NOW, SETTINGS);
    const failing = due[1]!.aspirantId;
    const erase = async (id: number) => {
      if (id === failing) throw new Error('blob store unreachable');
      await fakeErase(db)(id);
    };
    const run = await runRetention({ db, logger, settings: SETTINGS, erase }, { now: NOW, dryRun: false, trigger: 'manual', actor: 'cli' });
    expect(run.report.failedIds).toEqual([failing]);
    expect(run.report.erasedIds).toHaveLength(5);
    const unwired = await runRetention({ db, logger, settings: SETTINGS }, { now: NOW, dryRun: false, trigger: 'manual', actor: 'cli' });
    expect(unwired.report).toMatchObject({ dryRun: true, due: { closed_no_handoff: 1, closed: 0, inactive: 0 } });
  });

  test('the daily run waits for its hour, runs once a Bogotá day across restarts and processes, and erases only when enabled', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    await world(db);
    let clock = Date.parse('2026-12-01T07:59:00Z'); // 02:59 in Bogotá
    const erased: number[] = [];
    const erase = async (id: number) => (erased.push(id), fakeErase(db)(id));
    const start = (settings: RetentionConfig) => {
      const runner = createJobRunner({ logger, metrics: createMetrics() });
      return { runner, queue: createRetentionQueue(runner, { db, logger, settings, erase, now: () => clock, pollMs: 0 }) };
    };
    const disabled = start(SETTINGS);
    expect(await disabled.queue.runOnce()).toBe(0);
    clock = Date.parse('2026-12-01T08:00:00Z'); // 03:00
    expect(await disabled.queue.runOnce()).toBe(1);
    expect(await disabled.queue.runOnce()).toBe(0);
    // A restart (a new runner) and a second process the same day find the day claimed.
    const restarted = start({ ...SETTINGS, enabled: true });
    const other = start({ ...SETTINGS, enabled: true });
    expect(await Promise.all([restarted.queue.runOnce(), other.queue.runOnce()])).toEqual([0, 0]);
    expect(erased).toEqual([]);
    const reports = async () =>
      (await db.select().from(auditLog).where(eq(auditLog.action, 'retention.ran')).orderBy(asc(auditLog.id))).map((r) => [r.targetId, (r.details as RetentionReport).dryRun]);
    expect(await reports()).toEqual([['2026-12-01', true]]);
    // The next Bogotá day (05:00 UTC on the 2nd is still the 1st there), then its hour.
    clock = Date.parse('2026-12-02T04:59:00Z');
    expect(await restarted.queue.runOnce()).toBe(0);
    clock = Date.parse('2026-12-02T09:30:00Z');
    expect(await Promise.all([restarted.queue.runOnce(), other.queue.runOnce()]).then((n) => n[0]! + n[1]!)).toBe(1);
    // A day later the two rows just inside their periods on the 1st are due too.
    expect(erased).toHaveLength(8);
    expect(await reports()).toEqual([
      ['2026-12-01', true],
      ['2026-12-02', false],
    ]);
    await Promise.all([disabled.runner.stop(), restarted.runner.stop(), other.runner.stop()]);
  });

  test('claimDailyRun: one winner among concurrent claims of a day', async () => {
    await using database = await testDatabase(driver);
    const wins = await Promise.all(Array.from({ length: 5 }, () => claimDailyRun(database.db, '2026-12-03')));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });
});
