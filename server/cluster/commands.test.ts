/**
 * Forwarded commands between two processes' `createCommands`, on real Postgres, their hints carried by an in-test bus:
 * answered when the owner runs them; withdrawn (never to run) when nobody took them in time; an unknown outcome,
 * not a withdrawal, when the owner took one and did not answer.
 */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { testDatabase } from '../../test/support/db';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import { ServiceUnavailableError } from '../errors';
import { createLogger } from '../logger';
import { CommandNotRunError, createCommands, type Commands, type ForwardedOp } from './commands';
import { shardOf } from './shard';

const KEY = '+573100000042';
const SHARD = shardOf(KEY);
const event = { type: 'note.added', body: 'hola', userId: 1 } as unknown as Extract<ForwardedOp, { op: 'call' }>['event'];

/** Two processes: `caller` owns nothing; `owner` (when given a runner) owns KEY's shard. Hints go to both at once. */
function pair(db: Db, run: ((key: string, op: ForwardedOp) => Promise<unknown>) | undefined, answerTimeoutMs = 300) {
  const nodes: Commands[] = [];
  const hints = {
    send(channel: string, part: string) {
      queueMicrotask(() => {
        for (const node of nodes) channel === 'wasap_commands' ? node.onCommandsHint(part) : node.onAnswerHint(part);
      });
    },
  };
  const logger = createLogger('silent');
  const caller = createCommands({ db, logger, nodeId: 'caller', hints, owns: () => false, owned: () => [], run: async () => null, answerTimeoutMs });
  nodes.push(caller);
  if (run) nodes.push(createCommands({ db, logger, nodeId: 'owner', hints, owns: (s) => s === SHARD, owned: () => [SHARD], run, answerTimeoutMs }));
  return { caller, owner: nodes[1] };
}

const openRows = async (db: Db) => rowsOf<{ n: string }>(await db.execute(sql`select count(*) as n from cluster_commands`))[0]!.n;

describe.skipIf(!process.env.TEST_DATABASE_URL)('forwarded commands on Postgres (needs TEST_DATABASE_URL)', () => {
  test('the owner runs a forwarded call and its answer reaches the caller; the row goes', async () => {
    await using database = await testDatabase('postgres');
    const ran: string[] = [];
    const { caller } = pair(database.db, async (key, op) => (ran.push(`${key} ${op.op}`), { reply: { ok: true, messageId: 7 } }));
    expect(await caller.forward(KEY, { op: 'call', event })).toEqual({ reply: { ok: true, messageId: 7 } });
    expect(ran).toEqual([`${KEY} call`]);
    expect(await openRows(database.db)).toBe('0');
  });

  test('nobody takes it within the timeout: withdrawn (CommandNotRunError), and an owner arriving later never runs it', async () => {
    await using database = await testDatabase('postgres');
    const { caller } = pair(database.db, undefined);
    await expect(caller.forward(KEY, { op: 'send', event })).rejects.toBeInstanceOf(CommandNotRunError);
    expect(await openRows(database.db)).toBe('0');
    const ran: string[] = [];
    const late = pair(database.db, async (_key, op) => void ran.push(op.op));
    late.owner!.runOpen();
    await late.owner!.idle();
    expect(ran).toEqual([]);
  });

  test('taken but never answered: the outcome is unknown (ServiceUnavailableError, not a withdrawal) and the row stays taken', async () => {
    await using database = await testDatabase('postgres');
    const taken = Promise.withResolvers<void>();
    const { caller } = pair(database.db, () => (taken.resolve(), new Promise(() => {})));
    const forwarded = caller.forward(KEY, { op: 'send', event });
    await taken.promise;
    const error = await forwarded.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).not.toBeInstanceOf(CommandNotRunError);
    const [row] = rowsOf<{ taken: boolean }>(await database.db.execute(sql`select taken_at is not null as taken from cluster_commands`));
    expect(row?.taken).toBe(true);
  });
});
