/**
 * @module server/cluster/commands — conversation operations a process forwards to the owner of the conversation's
 * shard, through the `cluster_commands` table.
 *
 * The protocol: the caller writes the op as a row (so an owner that takes the shard over later still finds it) and
 * hints the shard on `wasap_commands`; the owner takes each open row of its shards once (`taken_at`, under
 * `for update skip locked`), hands it to the conversation's actor, writes the answer to the row (`answered_at`) and
 * hints the caller on `wasap_answers` (`<origin> <id>`); the caller reads the answer and deletes the row. A 'tell'
 * is not waited for: its row is deleted once run. A caller that hears nothing within the answer timeout reads the
 * row instead (a lost hint); if nobody took the command it withdraws it (deletes the row: it never runs, so trying
 * again is safe); if it was taken it waits as long again, then its outcome is unknown. A sweep every 5 s runs what
 * a lost hint left open and deletes answers nobody read and commands over an hour old.
 */
import { sql } from 'drizzle-orm';
import type { ConversationEvent } from '../../actors/conversation/types';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import { ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { Hints } from './hints';
import { shardOf, shardsArray } from './shard';

/** A forwarded command was withdrawn before its owner took it: it did not run and never will (safe to try again). */
export class CommandNotRunError extends ServiceUnavailableError {
  constructor() {
    super('The conversation is moving to another server process and nothing was saved; try again.');
  }
}

/**
 * A conversation operation run by the shard's owner for another process: an event told, sent (answered once handled)
 * or called (answered with the actor's reply), or `hold` — the actor's turn taken and kept (answered once taken)
 * until the caller relays `release` with the same `holdId` (or 60 s pass), so work that cannot travel (a closure,
 * e.g. an erasure) runs at the caller while the conversation stands still.
 */
export type ForwardedOp = { op: 'tell' | 'send' | 'call'; event: ConversationEvent } | { op: 'hold'; holdId: string };

export interface CommandsOptions {
  db: Db;
  logger: Logger;
  /** This process's node id: the `origin` of the commands it forwards, and whose answers it reads. */
  nodeId: string;
  hints: Pick<Hints, 'send'>;
  /** True when this process holds `shard` now. */
  owns(shard: number): boolean;
  /** The shards held now. */
  owned(): number[];
  /** Runs a forwarded op here (its shard is owned here); resolves with what its caller is answered (JSON). */
  run(key: string, op: ForwardedOp): Promise<unknown>;
  /** How long a forwarded command's caller waits for the owner's answer (ms). */
  answerTimeoutMs: number;
}

export interface Commands {
  /**
   * Runs `op` at the conversation's owner: written to `cluster_commands` (so a takeover still finds it), hinted,
   * and — for 'send' and 'call' — waited for. Resolves with the owner's answer (JSON); 'tell' resolves once written.
   * @throws CommandNotRunError when withdrawn before anyone took it (nothing ran; safe to try again)
   * @throws ServiceUnavailableError when no answer came within twice the timeout (outcome unknown)
   */
  forward(key: string, op: ForwardedOp): Promise<unknown>;
  /** Runs the open commands of the owned shards, in id order; one pass at a time, again if asked meanwhile. */
  runOpen(): void;
  /** A `wasap_commands` hint part (a shard number): runs the open commands if that shard is owned here. */
  onCommandsHint(part: string): void;
  /** A `wasap_answers` hint part (`<origin> <id>`): hands the answer to the caller waiting here, if any. */
  onAnswerHint(part: string): void;
  /** Starts the 5 s sweep (open commands run again; stale rows deleted). */
  start(): void;
  /** Stops the sweep; passes already started go on (await `idle`). */
  stop(): void;
  /** Resolves once the pass in flight (if any) is over. */
  idle(): Promise<void>;
}

export function createCommands(options: CommandsOptions): Commands {
  const { db, logger, nodeId, hints, answerTimeoutMs } = options;
  /** Callers waiting for a forwarded command's answer, by command id. */
  const waiting = new Map<number, (result: unknown) => void>();
  /** Forwarded commands being run here (not read again while they run). */
  const running = new Set<number>();
  let commandsRun: Promise<void> | undefined;
  let commandsAgain = false;
  let sweep: ReturnType<typeof setInterval> | undefined;

  async function forward(key: string, op: ForwardedOp): Promise<unknown> {
    const shard = shardOf(key);
    const [row] = rowsOf<{ id: string | number }>(
      await db.execute(sql`insert into cluster_commands (conversation_key, shard, origin, command) values (${key}, ${shard}, ${nodeId}, ${JSON.stringify(op)}::jsonb) returning id`),
    );
    const id = Number(row!.id);
    if (op.op === 'tell') {
      hints.send('wasap_commands', String(shard));
      return undefined;
    }
    const { promise, resolve } = Promise.withResolvers<unknown>();
    waiting.set(id, resolve);
    hints.send('wasap_commands', String(shard));
    try {
      return await answerOf(id, promise);
    } finally {
      waiting.delete(id);
    }
  }

  /**
   * The owner's answer to forwarded command `id`: from its hint, or read from the row (a hint lost). Past the timeout
   * a command nobody took is withdrawn (it will never run: the caller may safely try again); one taken is waited for
   * as long again, then its outcome is unknown.
   * @throws CommandNotRunError when withdrawn; ServiceUnavailableError when the outcome is unknown
   */
  async function answerOf(id: number, hinted: Promise<unknown>): Promise<unknown> {
    for (let round = 0; round < 2; round++) {
      const timeout = Promise.withResolvers<'timeout'>();
      const timer = setTimeout(() => timeout.resolve('timeout'), answerTimeoutMs);
      const first = await Promise.race([hinted.then((result) => ({ result })), timeout.promise]).finally(() => clearTimeout(timer));
      if (first !== 'timeout') return first.result;
      const [row] = rowsOf<{ result: unknown; answered: boolean }>(
        await db.execute(sql`delete from cluster_commands where id = ${id} and (taken_at is null or answered_at is not null)
          returning result, answered_at is not null as answered`),
      );
      if (row?.answered) return row.result;
      if (row) throw new CommandNotRunError();
    }
    throw new ServiceUnavailableError();
  }

  async function answered(id: number): Promise<void> {
    const resolve = waiting.get(id);
    if (!resolve) return;
    const [row] = rowsOf<{ result: unknown }>(await db.execute(sql`delete from cluster_commands where id = ${id} returning result`));
    waiting.delete(id);
    resolve(row?.result);
  }

  function runOpen(): void {
    if (commandsRun) {
      commandsAgain = true;
      return;
    }
    commandsRun = runOpenCommands()
      .catch((error: unknown) => logger.warn('forwarded commands not run; the sweep will retry', { err: error as Error }))
      .finally(() => {
        commandsRun = undefined;
        if (commandsAgain) ((commandsAgain = false), runOpen());
      });
  }

  async function runOpenCommands(): Promise<void> {
    const owned = options.owned();
    if (owned.length === 0) return;
    // Taken once, atomically: a caller that gave up deletes only a row nobody took, so a command it was told failed
    // never runs later. A caller's wait is over once it is older than the answer timeout, so it is not taken then; a
    // 'tell' (nobody waits) is, and one taken by a process that died before running it is taken again after a minute.
    const rows = rowsOf<{ id: string | number; conversation_key: string; origin: string; command: ForwardedOp }>(
      await db.execute(sql`update cluster_commands c set taken_at = now() from (
          select id from cluster_commands
          where answered_at is null and shard = any(${shardsArray(owned)}::smallint[]) and id <> all(${shardsArray(running)}::bigint[])
            and (taken_at is null or (command ->> 'op' = 'tell' and taken_at < now() - interval '1 minute'))
            and (command ->> 'op' = 'tell' or created_at > now() - ${`${answerTimeoutMs} milliseconds`}::interval)
          order by id limit 500 for update skip locked) open
        where c.id = open.id returning c.id, c.conversation_key, c.origin, c.command`),
    );
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    // Each op is handed to its actor now, in id order (tell/send/call enqueue synchronously); answers follow.
    // Taken while the shard moved away: given back untaken, for the new owner (else its caller hears nothing).
    const moved = rows.filter((row) => !options.owns(shardOf(row.conversation_key))).map((row) => Number(row.id));
    if (moved.length) await db.execute(sql`update cluster_commands set taken_at = null where id = any(${shardsArray(moved)}::bigint[]) and answered_at is null`);
    for (const row of rows) {
      const id = Number(row.id);
      if (!options.owns(shardOf(row.conversation_key))) continue;
      running.add(id);
      void options
        .run(row.conversation_key, row.command)
        .then(
          (result) => finish(id, row.origin, row.command.op, result),
          (error: unknown) => finish(id, row.origin, row.command.op, { error: (error as Error).message }),
        )
        .catch((error: unknown) => logger.warn('forwarded command answer not written; its caller times out', { id, err: error as Error }))
        .finally(() => running.delete(id));
    }
  }

  async function finish(id: number, origin: string, op: ForwardedOp['op'], result: unknown): Promise<void> {
    if (op === 'tell') {
      await db.execute(sql`delete from cluster_commands where id = ${id}`);
      return;
    }
    await db.execute(sql`update cluster_commands set result = ${JSON.stringify(result ?? null)}::jsonb, answered_at = now() where id = ${id}`);
    hints.send('wasap_answers', `${origin} ${id}`);
  }

  return {
    forward,
    runOpen,
    onCommandsHint(part) {
      if (options.owns(Number(part))) runOpen();
    },
    onAnswerHint(part) {
      const [origin, id] = part.split(' ');
      if (origin === nodeId) void answered(Number(id));
    },
    start() {
      sweep = setInterval(function sweepCommands() {
        runOpen();
        // Answers nobody read, and commands whose caller gave up an hour ago, go.
        void db.execute(sql`delete from cluster_commands where answered_at < now() - interval '1 minute' or created_at < now() - interval '1 hour'`).catch(() => {});
      }, 5_000);
      sweep.unref?.();
    },
    stop() {
      clearInterval(sweep);
    },
    idle: async () => {
      await commandsRun;
    },
  };
}
