/** @module server/conversations/store — the ConversationStore port on drizzle: load an actor's state, create its aspirant, commit through the door. */
import { eq } from 'drizzle-orm';
import type { ConversationStore } from '../../actors/conversation/ports';
import { initialState } from '../../actors/conversation/decide';
import type { ConversationState } from '../../actors/conversation/types';
import type { Db } from '../db/client';
import { aspirants, conversations } from '../db/schema';
import { createCommitDoor, type CommitDoor } from './commit/door';

/** The store on `db`; commits go through `door` (default: a door of its own with one batch in flight per lane). */
export function createConversationStore(db: Db, door: CommitDoor = createCommitDoor(db, { generalConcurrency: 1, statementConcurrency: 1 })): ConversationStore {
  return {
    async load(key) {
      const [row] = await db
        .select({
          aspirantId: aspirants.id,
          whatsappName: aspirants.whatsappName,
          firstName: aspirants.firstName,
          hasKids: aspirants.hasKids,
          locale: aspirants.locale,
          formSubmittedAt: aspirants.formSubmittedAt,
          optedOutAt: aspirants.optedOutAt,
          id: conversations.id,
          status: conversations.status,
          lastInboundAt: conversations.lastInboundAt,
          botPaused: conversations.botPaused,
          botState: conversations.botState,
          botScript: conversations.botScript,
          assigneeId: conversations.assigneeId,
        })
        .from(aspirants)
        .leftJoin(conversations, eq(conversations.aspirantId, aspirants.id))
        .where(eq(aspirants.whatsappId, key))
        .limit(1);
      if (!row) return initialState(key);
      return {
        key,
        conversationId: row.id,
        aspirantId: row.aspirantId,
        script: row.botScript,
        bot: (row.botState as ConversationState['bot']) ?? null,
        facts: {
          locale: row.locale === 'en' ? 'en' : 'es',
          firstName: row.firstName ?? undefined,
          whatsappName: row.whatsappName ?? undefined,
          hasKids: row.hasKids ?? undefined,
          formSubmitted: row.formSubmittedAt !== null,
        },
        status: row.status ?? 'new',
        lastInboundAt: row.lastInboundAt?.getTime() ?? null,
        optedOut: row.optedOutAt !== null,
        botPaused: row.botPaused ?? false,
        assigneeId: row.assigneeId ?? null,
      } satisfies ConversationState;
    },

    /** The aspirant row exists before the first decision, so the bot's first message can carry the form link. */
    async ensureAspirant(key, whatsappName) {
      const [row] = await db
        .insert(aspirants)
        .values({ whatsappId: key, whatsappName })
        .onConflictDoUpdate({ target: aspirants.whatsappId, set: { updatedAt: new Date() } })
        .returning({ id: aspirants.id });
      return row!.id;
    },

    commit: (key, state, effects, event, now) => door.commit(key, state, effects, event, now),
  };
}
