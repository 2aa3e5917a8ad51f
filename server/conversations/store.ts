/**
 * @module server/conversations/store — the ConversationStore port: actors' state loads and first messages' aspirant
 * rows, each batched across conversations into one statement (state-statement.ts), and commits through the door
 * (whose set lane reads back the list row for the push).
 */
import type { ConversationStore } from '../../actors/conversation/ports';
import type { ConversationState } from '../../actors/conversation/types';
import { createBatcher } from '../db/batcher';
import type { Db } from '../db/client';
import type { RowRecord } from '../db/queries/inbox';
import { createCommitDoor, type CommitDoor } from './commit/door';
import { committedCommand } from './commit/general';
import { ensureAspirants, loadStates } from './state-statement';

export interface ConversationStoreOptions {
  /** Commits go through this door (default: a door of its own with one batch in flight per lane). */
  door?: CommitDoor;
  /** Load and create statements in flight at once, each (1 for PGlite, which has one connection; default 1). */
  concurrency?: number;
}

/** The store on `db`: loads and aspirant rows of conversations that arrive together share one statement. */
export function createConversationStore(db: Db, options: ConversationStoreOptions = {}): ConversationStore<RowRecord> {
  const door = options.door ?? createCommitDoor(db, { generalConcurrency: 1, statementConcurrency: 1 });
  const concurrency = options.concurrency ?? 1;
  const loads = createBatcher<string, ConversationState>({
    many: (keys) => loadStates(db, keys),
    one: async (key) => (await loadStates(db, [key]))[0]!,
    concurrency,
    maxBatch: 200,
  });
  const aspirants = createBatcher<{ key: string; whatsappName?: string }, number>({
    many: (items) => ensureAspirants(db, items),
    one: async (item) => (await ensureAspirants(db, [item]))[0]!,
    concurrency,
    maxBatch: 200,
    // One row per number in a statement (ON CONFLICT DO UPDATE touches a row once).
    keyOf: (item) => item.key,
  });
  return {
    load: (key) => loads.submit(key),
    /**
     * The aspirant row exists before the first decision, so the bot's first message can carry the form link. A
     * webhook's first message has it already (written with the webhook row); this serves events stored without it.
     */
    ensureAspirant: (key, whatsappName) => aspirants.submit({ key, whatsappName }),
    commit: (key, state, effects, event, now) => door.commit(key, state, effects, event, now),
    committedCommand: (commandId) => committedCommand(db, commandId),
  };
}
