/** @module server/services/replay — re-runs a conversation's recorded events through a bot script in memory; nothing is sent or written. */
import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import type { BotScript } from '../../actors/bot/script';
import { decide, initialState, type BotContext } from '../../actors/conversation/decide';
import type { ConversationEvent, ConversationState } from '../../actors/conversation/types';
import type { Db } from '../db/client';
import { aspirants, conversationEvents, conversations, messages } from '../db/schema';
import { createFormToken, formLink } from '../forms/link';
import { AppError } from '../errors';
import type { ScriptCache } from './bot-scripts';
import { botRequestTerms } from '../privacy/requests-bot';

export interface ReplayOptions {
  /** Replay with this script instead of the version each conversation ran. */
  script?: { ref: string; script: BotScript };
  scripts: ScriptCache;
  /** Form links as the server signs them, and the agency's name as configured now (the bot's {agencyName}). */
  forms: { secret: string; publicUrl: string; ttlMs: number; agencyName: string };
}

export interface ReplayStep {
  at: string;
  event: string;
  summary: string;
  recorded: string[];
  replayed: string[];
  same: boolean;
}

export interface ReplayResult {
  conversationId: number;
  script: string | null;
  steps: ReplayStep[];
  differences: number;
}

/**
 * A bot text as replays compare it: form links (`<PUBLIC_URL>/f/v1.…`, signed with WASAP_SECRET) stand as
 * `{formLink}`, since they carry the address and secret of whichever process replays — a replay by the CLI with
 * another PORT or PUBLIC_URL than the server's is not a difference in what the bot says. A line linking a newer privacy
 * notice at the end is left out.
 */
export function comparable(text: string): string {
  // The privacy notice's link line (actors/conversation/notice-link) depends on the notices published, not on the script.
  return text.replace(/\n\n[^\n]*https?:\/\/\S+\/privacy\?version=\d+$/, '').replace(/\bhttps?:\/\/\S+?\/f\/v\d+\.[\w.-]+/g, '{formLink}');
}

function summarise(event: ConversationEvent): string {
  switch (event.type) {
    case 'inbound.received':
      return event.media.length ? `${event.body} [${event.media.map((m) => m.contentType).join(', ')}]` : event.body;
    case 'timer.fired':
      return `timer ${event.name}`;
    case 'recruiter.replied':
      return event.body ?? `template ${event.templateRef ?? ''}`;
    case 'status.received':
      return `${event.messageSid} → ${event.status}`;
    case 'guardian.authorised':
    case 'guardian.declined':
      return `guardian ${event.guardianId}`;
    default:
      return '';
  }
}

/** Replays one conversation; `steps` pairs each recorded event's recorded bot messages with the replayed ones. */
export async function replayConversation(db: Db, conversationId: number, options: ReplayOptions): Promise<ReplayResult> {
  const [conversation] = await db
    .select({ id: conversations.id, key: aspirants.whatsappId, aspirantId: aspirants.id, script: conversations.botScript })
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .where(eq(conversations.id, conversationId));
  if (!conversation) throw new AppError('CONVERSATION_NOT_FOUND', 404, `No conversation ${conversationId}.`);
  const journal = await db.select().from(conversationEvents).where(eq(conversationEvents.conversationId, conversationId)).orderBy(asc(conversationEvents.id));
  const ids = journal.flatMap((row) => row.messageIds);
  const recordedRows = ids.length ? await db.select({ id: messages.id, body: messages.body, sender: messages.sender }).from(messages).where(inArray(messages.id, ids)) : [];
  const botText = new Map(recordedRows.filter((m) => m.sender === 'bot').map((m) => [m.id, m.body]));
  const pinned = options.script ?? (conversation.script ? await options.scripts.get(conversation.script) : undefined);
  const { forms } = options;
  const sign = (aid: number, at: number) => formLink(forms.publicUrl, createFormToken(forms.secret, aid, at, forms.ttlMs));
  const ctx: BotContext = { script: pinned, formLink: sign, agencyName: forms.agencyName, requestTerms: botRequestTerms };
  let state: ConversationState = { ...initialState(conversation.key), aspirantId: conversation.aspirantId };
  const steps: ReplayStep[] = [];
  for (const row of journal) {
    const event = row.payload as ConversationEvent;
    const at = row.at.getTime();
    const decision = decide(state, event, at, ctx);
    state = { ...decision.state, conversationId: conversation.id };
    const replayed = decision.effects.flatMap((e) => (e.type === 'message.add' && e.message.sender === 'bot' ? [e.message.body] : []));
    const recorded = row.messageIds.flatMap((id) => (botText.has(id) ? [botText.get(id)!] : []));
    const same = recorded.length === replayed.length && recorded.every((text, i) => comparable(text) === comparable(replayed[i]!));
    steps.push({ at: row.at.toISOString(), event: row.type, summary: summarise(event), recorded, replayed, same });
  }
  return { conversationId, script: pinned?.ref ?? null, steps, differences: steps.filter((s) => !s.same).length };
}

/** Conversations with recorded events, optionally only those active since a date. */
export async function replayableConversations(db: Db, since?: Date): Promise<number[]> {
  const rows = await db
    .selectDistinct({ id: conversationEvents.conversationId })
    .from(conversationEvents)
    .where(since ? and(gte(conversationEvents.at, since)) : undefined)
    .orderBy(asc(conversationEvents.conversationId));
  return rows.map((r) => r.id);
}
