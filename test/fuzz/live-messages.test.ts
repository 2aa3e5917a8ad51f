/**
 * @module test/fuzz/live-messages.test — property-based fuzzing of what a /live socket may be sent: the
 * parser never throws and only lets well-formed messages through; a real server fed thousands of
 * arbitrary frames answers only with its fixed data answers and presence lines, never an error or a
 * stack, keeps the socket open, and still serves afterwards; a flood is closed with 1008.
 */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { parseLiveMessage } from '../../server/realtime/live-messages';
import { MAX_PENDING_MESSAGES, POLICY_CLOSE } from '../../server/routes/live';
import { testApp } from '../support/app';
import { testDatabase } from '../support/db';
import { listen } from '../support/listen';
import { connect, conversationsOf, person, settled } from '../support/live';

// The shared PGlite starts at load time: its start-up would otherwise eat the first test's budget.
await (await testDatabase('pglite')).close();

const KEYS = ['type', 'conversationId', 'scope', 'status', 'q', 'headers', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const EDGE_NUMBERS = [0, -1, 1, 2, 3, 1.5, 2 ** 31 - 1, 2 ** 31, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1e308, -1e308, 5e-324];

const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('viewing', 'typing', 'leaving', 'list', 'mine', 'all', 'unassigned', '1', '2', '0x1', '1e3', ' 1', ''),
  fc.constantFrom(...EDGE_NUMBERS),
  fc.integer(),
  fc.double(),
  fc.string({ minLength: 190, maxLength: 260 }),
);
/** A JSON object text written by hand, so keys such as `__proto__` really are in it (an object literal would not keep them). */
const objectText = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })), value), { maxLength: 6 })
  .map((entries) => `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${JSON.stringify(v)}`).join(',')}}`);
/** Nearly right: a known type with an id of any shape. */
const nearlyRight = fc.record({ type: fc.constantFrom('viewing', 'typing', 'leaving'), conversationId: value }, { requiredKeys: ['type'] }).map((message) => JSON.stringify(message));
const frame = fc.oneof(
  objectText,
  nearlyRight,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.string().map((s) => `{${s}`),
  fc.uint8Array({ maxLength: 64 }),
);

describe('parseLiveMessage', () => {
  test('never throws, and whatever it returns is a well-formed message', () => {
    const anything = fc.oneof(
      fc.anything({ withNullPrototype: true, withBigInt: true, withBoxedValues: true }),
      objectText.map((text) => JSON.parse(text) as unknown),
    );
    fc.assert(
      fc.property(anything, (raw) => {
        const message = parseLiveMessage(raw);
        if (message === null) return;
        expect(['viewing', 'typing', 'leaving', 'list']).toContain(message.type);
        if (message.type === 'viewing' || message.type === 'typing') {
          expect(Number.isInteger(message.conversationId) && message.conversationId >= 1 && message.conversationId <= 2 ** 31 - 1).toBe(true);
        }
        if (message.type === 'list') expect(['mine', 'unassigned', 'all']).toContain(message.filters.scope);
      }),
      { numRuns: 5_000 },
    );
    expect(parseLiveMessage(JSON.parse('{"__proto__":{"type":"list"}}'))).toBeNull();
    expect(parseLiveMessage({ type: 'viewing', conversationId: '42', headers: { 'HX-Request': 'true' } })).toEqual({ type: 'viewing', conversationId: 42 });
  });
});

describe('a /live socket fed arbitrary frames', () => {
  test('answers only with its fixed answers, stays open, and the server still serves', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    const rita = await person(t, 'Rita', 'recruiter');
    await conversationsOf(t, ['+573006660001', '+573006660002']);
    await using server = listen(t);
    using socket = await connect(server.url, rita);
    const fixed = new Set(['{"error":"not allowed"}', '{"error":"bad message"}']);
    const expected = (data: string) =>
      fixed.has(data) || data.startsWith('{"type":"list","listening":') || /^<p id="presence-\d+" class="presence[^"]*" aria-live="polite" hx-swap-oob="true">/.test(data);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 20, maxLength: 40 }), async (batch) => {
        // A valid `list` message would be acknowledged like the barrier that settled() waits for.
        const frames = batch.filter((f) => typeof f !== 'string' || !f.includes('list'));
        const from = socket.received.length;
        for (const f of frames) socket.socket.send(f);
        sent += frames.length;
        await settled(socket);
        expect(socket.received.slice(from).filter((data) => !expected(data))).toEqual([]);
      }),
      { numRuns: 50 },
    );
    // One frame far larger than any message, for good measure.
    socket.send(`{"type":"viewing","q":"${'x'.repeat(2_000_000)}"}`);
    await settled(socket);
    expect(sent).toBeGreaterThan(1_000);
    expect(socket.socket.readyState).toBe(WebSocket.OPEN);
    expect(t.logs.filter((line) => line.level === 'error')).toEqual([]);
    expect((await fetch(`${server.url}/inbox`, { headers: { cookie: rita.cookie } })).status).toBe(200);
    using fresh = await connect(server.url, rita);
    await settled(fresh);
  });

  test('a flood of messages faster than they are handled is closed with 1008; the server goes on', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    const rita = await person(t, 'Rita', 'recruiter');
    await using server = listen(t);
    using flood = await connect(server.url, rita);
    // Every message first re-checks the session: with that table locked, none is handled and they pile up.
    const release = Promise.withResolvers<void>();
    const locked = Promise.withResolvers<void>();
    const holding = t.database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table sessions in access exclusive mode`);
      locked.resolve();
      await release.promise;
    });
    await locked.promise;
    for (let i = 0; i <= MAX_PENDING_MESSAGES; i++) flood.send({ type: 'typing', conversationId: 1 });
    expect(await flood.closed).toBe(POLICY_CLOSE);
    release.resolve();
    await holding;
    using next = await connect(server.url, rita);
    await settled(next);
  });
});
