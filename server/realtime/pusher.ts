/** @module server/realtime/pusher — after an actor commits, renders the changed fragments and publishes them to the topics allowed to see them. */
import type { CommitResult } from '../../actors/conversation/ports';
import type { ConversationEvent } from '../../actors/conversation/types';
import { AspirantPanelPush } from '../../views/inbox/aspirant-panel';
import { ConversationRowPush, ConversationRowReplace } from '../../views/inbox/conversation-list';
import { MessageAppend, MessageReplace } from '../../views/inbox/messages';
import type { MessageView } from '../../views/inbox/types';
import { announceAccessChange } from '../auth/access-events';
import type { Db } from '../db/client';
import { createBatcher } from '../db/batcher';
import { aspirantPanel, messageView } from '../db/queries/chat';
import { conversationRow, conversationRows, markRead, toRowView, type RowRecord } from '../db/queries/inbox';
import type { Logger } from '../logger';
import { withContactCards } from '../services/contact-cards';
import type { BlobStore } from '../storage';
import { perReader, type Hub, type Render } from './hub';
import { conversationTopic, deleteRow, LIST_STATUSES, listTopic, rowAudiences, rowMatches } from './topics';

/** Events after which the aspirant panel shows something new. */
const PANEL_EVENTS = new Set<ConversationEvent['type']>([
  // Her message may move the status (statuses follow the work: actors/conversation/decide).
  'inbound.received',
  'form.submitted',
  'conversation.assigned',
  'conversation.status_changed',
  'note.added',
  'bot.resumed',
  'recruiter.replied',
  'media.stored',
  'timer.fired',
]);

/** Events that change the list row (preview, time, unread count, status, assignee). */
const ROW_EVENTS = new Set<ConversationEvent['type']>([
  'inbound.received',
  'recruiter.replied',
  'form.submitted',
  'conversation.assigned',
  'conversation.status_changed',
  'timer.fired',
  'outbox.failed',
  'status.received',
  'bot.resumed',
]);

/**
 * Row changes that are not new activity: the list is ordered by the last message, so a receipt or a failed
 * send updates the row where it is; moving it to the top would disagree with the next page load.
 */
const IN_PLACE_ROW_EVENTS = new Set<ConversationEvent['type']>(['status.received', 'outbox.failed']);

/** `blobs`: where shared contact cards are read from (without it a contact shows as its file). */
export function createPusher(deps: { db: Db; hub: Hub; logger: Logger; blobs?: BlobStore }) {
  const { db, hub } = deps;
  // The list row is read after the commit (unless the commit read it back); under load many pushes share one query.
  const rows = createBatcher<number, Awaited<ReturnType<typeof conversationRow>>>({
    one: (id) => conversationRow(db, id),
    many: async (ids) => {
      const found = await conversationRows(db, ids);
      return ids.map((id) => found.get(id));
    },
    concurrency: 2,
    maxBatch: 200,
    // One conversation's rows are read in the order its commits were pushed.
    keyOf: (id) => id,
  });

  /** The chat's changed fragments, read once and rendered per reader; undefined when nothing changed. */
  async function chatFragments(conversationId: number, result: CommitResult<RowRecord>, event: ConversationEvent): Promise<Render | undefined> {
    const created = new Set(Object.values(result.messageIds));
    const ids = [...new Set([...created, ...result.touchedMessageIds])];
    const views: { view: MessageView; created: boolean }[] = [];
    for (const id of ids) {
      const found = await messageView(db, id);
      // A reaction comes back as the bubble it reacts to: that one is replaced, once, never appended.
      if (!found || views.some(({ view }) => view.id === found.id)) continue;
      const [view] = deps.blobs ? await withContactCards(db, deps.blobs, [found]) : [found];
      views.push({ view: view!, created: created.has(id) && found.id === id });
    }
    const panel = PANEL_EVENTS.has(event.type) ? await aspirantPanel(db, conversationId) : undefined;
    if (views.length === 0 && !panel) return undefined;
    return perReader(async (i18n) => {
      const parts: string[] = [];
      for (const { view, created } of views) parts.push(await (created ? MessageAppend({ conversationId, message: view, i18n }) : MessageReplace({ message: view, i18n })));
      if (panel) parts.push(await AspirantPanelPush({ view: panel, i18n }));
      return parts.join('');
    });
  }

  async function push(conversationId: number, result: CommitResult<RowRecord>, event: ConversationEvent): Promise<void> {
    const topic = conversationTopic(conversationId);
    // Rendering costs queries: only for conversations someone has open.
    if (hub.subscribers(topic) > 0 || hub.hasListeners()) {
      const fragments = await chatFragments(conversationId, result, event);
      if (fragments) await hub.publish(topic, fragments);
    }
    if (ROW_EVENTS.has(event.type) || Object.keys(result.messageIds).length > 0) {
      let row = result.readBack ? toRowView(result.readBack) : await rows.submit(conversationId);
      if (!row) return;
      // Someone has it open: the aspirant's new message is read as it arrives, as opening the conversation reads it.
      if (event.type === 'inbound.received' && row.unread > 0 && hub.subscribers(topic) > 0) {
        await markRead(db, conversationId);
        row = { ...row, unread: 0 };
      }
      const inPlace = IN_PLACE_ROW_EVENTS.has(event.type) && Object.keys(result.messageIds).length === 0;
      const shown = row;
      const html = perReader((i18n) => (inPlace ? ConversationRowReplace : ConversationRowPush)({ row: shown, filters: { scope: 'all' }, i18n }));
      // Every tab's filter gets the row or, when the row no longer belongs there, its removal.
      for (const audience of rowAudiences(row.assignee?.id)) {
        for (const status of LIST_STATUSES) await hub.publish(listTopic(audience, status), rowMatches(row, status) ? html : deleteRow(conversationId));
      }
    }
  }

  /**
   * Each conversation's latest push still rendering or reading; it settles after the ones before it, so these are
   * all a stop waits for before the database closes.
   */
  const tails = new Map<number, Promise<void>>();

  return {
    /** Resolves once every push started so far has been published (or has failed and been logged). */
    async idle(): Promise<void> {
      while (tails.size > 0) await Promise.all([...tails.values()]);
    },
    changed(conversationId: number, result: CommitResult<RowRecord>, event: ConversationEvent): void {
      // Synchronously, before this or any later commit pushes: a viewer who lost sight of it hears nothing more.
      if (event.type === 'conversation.assigned') void announceAccessChange(db, { type: 'conversation.reassigned', conversationId, assigneeId: event.assigneeId });
      // After the conversation's previous push: a row read back by its commit must not be overtaken by an older
      // commit's row still being read (a conversation's fragments go out in commit order).
      const previous = tails.get(conversationId);
      const pushing = (previous ? previous.then(() => push(conversationId, result, event)) : push(conversationId, result, event))
        .catch((error: unknown) => deps.logger.error('push failed', { err: error as Error, conversationId }))
        .finally(() => {
          if (tails.get(conversationId) === pushing) tails.delete(conversationId);
        });
      tails.set(conversationId, pushing);
    },
  };
}
