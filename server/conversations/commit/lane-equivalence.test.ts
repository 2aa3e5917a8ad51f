/**
 * @module server/conversations/commit/lane-equivalence.test — every lane writes the rows the general path writes:
 * the same conversation (first message with the bot's welcome, follow-ups, an opt-out and back, a wait started, kept
 * and ended by a reminder and by a recruiter's reply, a reminder, a duplicate delivery, delivery statuses, and a bot
 * step that schedules and cancels timers; then another aspirant's unanswered first message) is committed once through
 * the fast lanes and once through the general path, on two fresh databases, and every table is compared row by row;
 * the list row the set lane reads back for the push is compared with a read after each of its commits.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { decide } from '../../../actors/conversation/decide';
import type { ConversationEvent, ConversationState, Effect, InboundParts } from '../../../actors/conversation/types';
import { parseScript } from '../../../actors/bot/script';
import { drivers, testDatabase, type TestDatabase } from '../../../test/support/db';
import { COMMIT_TABLES, dumpCommitTables } from '../../../test/support/table-dump';
import type { Db } from '../../db/client';
import { conversationRow, toRowView } from '../../db/queries/inbox';
import { rowsOf } from '../../db/rows';
import { inboundEvents, users } from '../../db/schema';
import { DEFAULT_SCRIPT_FILE } from '../../services/bot-scripts';
import { createConversationStore } from '../store';
import { generalUnit } from './general';
import { laneOf } from './lanes';
import { setPlan } from './set-plan';
import { commitSet } from './set-statement';
import { commitStatus, statusPlan } from './status-statement';

const KEY = '+573001112233';
const OTHER = '+573004445566';
const T0 = Date.parse('2026-11-27T14:00:00Z');
const parsed = parseScript(readFileSync(DEFAULT_SCRIPT_FILE, 'utf8'));
if (!parsed.ok) throw new Error('the default script does not parse');
const bot = { script: { ref: 'intake@1', script: parsed.script }, formLink: (id: number, at: number) => `https://wasap.test/f/${id}/${at}`, agencyName: 'Wasap Talent' };

type Mode = 'fast' | 'general';

/** Commits through the lane the door would pick (`fast`), or always through the general path. */
async function commit(db: Db, mode: Mode, state: ConversationState, effects: Effect[], event: ConversationEvent, now: number) {
  const lane = laneOf(state, event, effects);
  if (mode === 'fast' && lane === 'set') {
    const [outcome] = await commitSet(db, [setPlan(state, event, effects, now)]);
    if (outcome === 'stale') throw new Error('unexpected stale plan');
    // The list row the statement reads back for the push is the row a read after the commit finds.
    if (outcome!.applied) expect(toRowView(outcome!.readBack!)).toEqual((await conversationRow(db, outcome!.conversationId!))!);
    else expect(outcome!.readBack).toBeUndefined();
    return { lane, result: outcome! };
  }
  if (mode === 'fast' && lane === 'status') {
    const done = await commitStatus(db, statusPlan(state.conversationId!, effects), event, now);
    if (done) return { lane, result: done };
  }
  return { lane, result: await db.transaction((tx) => generalUnit(state.key, state, effects, event, now)(tx)) };
}

/** A stored webhook row, as intake writes it, for an event that needs one. */
async function stored(db: Db, sid: string, kind: 'message' | 'status'): Promise<number> {
  const [row] = await db.insert(inboundEvents).values({ providerSid: sid, kind, conversationKey: KEY, payload: {} }).returning({ id: inboundEvents.id });
  return row!.id;
}

async function one<T>(db: Db, text: ReturnType<typeof sql>): Promise<T> {
  return rowsOf<T>(await db.execute(text))[0]!;
}

/** Runs the whole conversation in `mode`; returns the lanes taken. */
async function play(database: TestDatabase, mode: Mode): Promise<string[]> {
  const { db } = database;
  const store = createConversationStore(db);
  const lanes: string[] = [];
  let now = T0;
  let state = await store.load(KEY);
  state = { ...state, aspirantId: await store.ensureAspirant(KEY, 'Vale') };
  // Both aspirants first (the general path's upsert of an aspirant uses up an id of the sequence).
  const otherAspirant = await store.ensureAspirant(OTHER, 'Cami');

  async function handle(event: ConversationEvent, effects?: Effect[]) {
    const decision = decide(state, event, now, bot);
    const { lane, result } = await commit(db, mode, state, effects ?? decision.effects, event, now);
    lanes.push(`${event.type}:${lane}`);
    if (result.applied) state = { ...decision.state, conversationId: result.conversationId ?? decision.state.conversationId };
    now += 60_000;
    return result;
  }
  const inbound = async (sid: string, body: string, profileName = 'Vale', parts: Partial<InboundParts> = {}) =>
    handle({ type: 'inbound.received', eventId: await stored(db, sid, 'message'), messageSid: sid, profileName, body, media: [], content: { kind: 'text' }, receivedAt: now, ...parts });

  await inbound('SM1', 'Hola, quiero ser modelo');
  const welcome = await one<{ id: number }>(db, sql`select id from messages where sender = 'bot' order by id limit 1`);
  await handle({ type: 'outbox.sent', messageId: Number(welcome.id), providerSid: 'SMout1' });
  for (const status of ['sent', 'delivered', 'read'] as const) {
    await handle({ type: 'status.received', eventId: await stored(db, `SMout1:${status}`, 'status'), messageSid: 'SMout1', status });
  }
  await inbound('SM2', '¿Cuánto pagan? no encuentro el link');
  // The same delivery again: nothing is written.
  const again = await one<{ id: number }>(db, sql`select id from inbound_events where provider_sid = 'SM2'`);
  await handle({ type: 'inbound.received', eventId: Number(again.id), messageSid: 'SM2', profileName: 'Vale', body: '¿Cuánto pagan?', media: [], receivedAt: now });
  await inbound('SM3', 'BAJA');
  await inbound('SM4', 'ALTA', 'Valentina');
  // Messages the bot does not answer: the first starts the wait (a value), the next keeps it (the column untouched).
  await inbound('SM5', 'ok gracias');
  await inbound('SM6', 'sigo aquí');
  now = T0 + 5 * 3_600_000;
  const due = await one<{ id: number; name: string }>(db, sql`select id, name from timers where fired_at is null and cancelled_at is null order by fire_at, id limit 1`);
  // The reminder ends the wait (null written).
  await handle({ type: 'timer.fired', timerId: Number(due.id), name: due.name, firedAt: now });
  await inbound('SM7', 'hola de nuevo');
  // A recruiter's reply (no commandId: the set lane may take it) ends the wait; her next message needs attention.
  await handle({ type: 'recruiter.replied', userId: await recruiter(db), body: 'Hola Valentina, soy Rita' });
  await inbound('SM8', '¿y entonces?');
  // Every kind's fields, reply context, referral, forwarded flags and marks land in the same columns in every lane
  // (a message with files takes the general path in both runs).
  await inbound('SMk1', '', 'Vale', { content: { kind: 'location', latitude: 6.2442, longitude: -75.5812, address: 'Cl. 10 #43-12', label: 'Casa' } });
  await inbound('SMk2', '', 'Vale', { content: { kind: 'reaction', emoji: '👍', messageId: 'SMout1' } });
  await inbound('SMk3', 'Sí, me interesa', 'Vale', { content: { kind: 'interactive', reply: 'button', payload: 'yes' }, context: { messageId: 'SMout1', from: '+14155238886' } });
  await inbound('SMk4', 'Hola, vi el anuncio', 'Vale', {
    referral: { sourceType: 'ad', headline: 'Casting', ctwaClid: 'ARAbc', media: { contentType: 'image/jpeg' } },
    forwarded: true,
    frequentlyForwarded: true,
    marks: [{ field: 'Body', mark: 'cut', length: 70_000 }],
  });
  await inbound('SMk5', '', 'Vale', { content: { kind: 'audio', voice: true }, media: [{ url: 'https://api.twilio.com/m/ME1', contentType: 'audio/ogg' }] });
  await inbound('SMk6', '', 'Vale', { content: { kind: 'unsupported', providerType: 'poll' } });
  // A bot step that folds timers: cancel everything, schedule, re-schedule, cancel one again, and a message.
  const next = await one<{ id: number; name: string }>(db, sql`select id, name from timers where fired_at is null and cancelled_at is null order by fire_at, id limit 1`);
  await handle({ type: 'timer.fired', timerId: Number(next.id), name: next.name, firedAt: now }, [
    { type: 'timer.consumed', timerId: Number(next.id) },
    { type: 'timer.cancel', name: '*' },
    { type: 'timer.schedule', name: 'a', at: now + 1000 },
    { type: 'timer.schedule', name: 'a', at: now + 2000 },
    { type: 'timer.schedule', name: 'b', at: now + 3000 },
    { type: 'timer.cancel', name: 'b' },
    { type: 'message.add', message: { ref: 'bot0', sender: 'bot', body: 'Recordatorio', status: 'queued', extra: { messageKey: 'x' } } },
    { type: 'outbox.enqueue', messageRef: 'bot0', body: 'Recordatorio' },
    { type: 'conversation.patch', patch: { lastMessageAt: now, lastMessagePreview: 'Recordatorio', status: 'needs_attention' } },
    { type: 'conversation.patch', patch: { botPaused: true } },
  ]);
  // Another aspirant's first message that nobody answers (no bot): her conversation is created already waiting.
  const other = { ...(await store.load(OTHER)), aspirantId: otherAspirant };
  const first: ConversationEvent = { type: 'inbound.received', eventId: await stored(db, 'SMo1', 'message'), messageSid: 'SMo1', body: 'Hola', media: [], receivedAt: now };
  const decision = decide(other, first, now);
  const { lane } = await commit(db, mode, other, decision.effects, first, now);
  lanes.push(`${first.type}:${lane}`);
  return lanes;
}

/** The recruiter who replies (the same id in both databases: each is fresh). */
async function recruiter(db: Db): Promise<number> {
  const [user] = await db.insert(users).values({ email: 'rita@agency.co', name: 'Rita', passwordHash: 'x' }).returning({ id: users.id });
  return user!.id;
}

describe.each(drivers)('lane equivalence (%s)', (driver) => {
  test('the set and status lanes write exactly the rows the general path writes', async () => {
    await using fast = await testDatabase(driver);
    await using general = await testDatabase(driver);
    const lanes = await play(fast, 'fast');
    await play(general, 'general');
    // The fast lanes were really taken: a first message, follow-ups, reminders and statuses.
    expect(lanes.filter((l) => l.endsWith(':set')).length).toBeGreaterThanOrEqual(7);
    expect(lanes.filter((l) => l.endsWith(':status')).length).toBe(4);
    const a = await dumpCommitTables(fast.db);
    const b = await dumpCommitTables(general.db);
    for (const table of COMMIT_TABLES) expect({ table, rows: a[table] }).toEqual({ table, rows: b[table] });
    expect(a.messages!.length).toBeGreaterThanOrEqual(6);
    // The kinds were really written (the comparison above holds them equal in both runs).
    const kinds = await fast.db.execute(sql`select kind, content, refers_to_sid, referral, extra from messages where provider_sid like 'SMk%' order by id`);
    expect(rowsOf(kinds).map((r) => JSON.parse(JSON.stringify(r)))).toEqual([
      { kind: 'location', content: { latitude: 6.2442, longitude: -75.5812, address: 'Cl. 10 #43-12', label: 'Casa' }, refers_to_sid: null, referral: null, extra: null },
      { kind: 'reaction', content: { emoji: '👍', messageId: 'SMout1' }, refers_to_sid: 'SMout1', referral: null, extra: null },
      { kind: 'interactive', content: { reply: 'button', payload: 'yes' }, refers_to_sid: 'SMout1', referral: null, extra: null },
      {
        kind: 'text',
        content: null,
        refers_to_sid: null,
        referral: { sourceType: 'ad', headline: 'Casting', ctwaClid: 'ARAbc', media: { contentType: 'image/jpeg' } },
        extra: { forwarded: true, frequentlyForwarded: true, marks: [{ field: 'Body', mark: 'cut', length: 70_000 }] },
      },
      { kind: 'audio', content: { voice: true }, refers_to_sid: null, referral: null, extra: null },
      { kind: 'unsupported', content: { providerType: 'poll' }, refers_to_sid: null, referral: null, extra: null },
    ]);
    expect(a.timers!.length).toBeGreaterThanOrEqual(5);
    // The wait was written on the way (set, kept, cleared by the bot and by a reply, set again, set on creation).
    const waits = await fast.db.execute(sql`select a.whatsapp_id as key, c.status, c.waiting_since from conversations c join aspirants a on a.id = c.aspirant_id order by c.id`);
    expect(rowsOf<{ key: string; status: string; waiting_since: unknown }>(waits).map((r) => [r.key, r.status, r.waiting_since !== null])).toEqual([
      [KEY, 'needs_attention', true],
      [OTHER, 'new', true],
    ]);

    // The comparison sees a single changed value in any row.
    await fast.db.execute(sql`update timers set name = name || '!' where id = (select max(id) from timers)`);
    expect((await dumpCommitTables(fast.db)).timers).not.toEqual(b.timers);
  });
});
