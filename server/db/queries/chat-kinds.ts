/**
 * @module server/db/queries/chat-kinds — what the chat shows beyond a message's own columns: the message a reply
 * quotes and the reactions to a message (both found through messages.refers_to_sid → provider_sid), and the ad that
 * brought the aspirant. A reaction is never a bubble of its own while the message it reacts to is ours to show.
 */
import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import { contentOfRow, type Referral } from '../../../actors/conversation/message-kinds';
import type { MessageKind, Sender } from '../../../actors/vocabulary';
import type { MessageView } from '../../../views/inbox/types';
import type { Db } from '../client';
import { messages } from '../schema';
import { referredMessages } from './messages';

/** A bubble as read, with the columns that tie it to others (dropped before the view). */
export interface BubbleRow extends Omit<MessageView, 'content' | 'quoted' | 'reactions' | 'cards'> {
  kind: MessageKind;
  content: unknown;
  providerSid: string | null;
  refersToSid: string | null;
}

/** The reactions to these messages (by provider id), one per person: her latest, none when she took it back. */
async function reactionsTo(db: Db, conversationId: number, sids: string[]): Promise<Map<string, { sender: Sender; emoji: string }[]>> {
  if (sids.length === 0) return new Map();
  const rows = await db
    .select({ sid: messages.refersToSid, sender: messages.sender, content: messages.content })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.kind, 'reaction'), inArray(messages.refersToSid, sids)))
    .orderBy(asc(messages.id));
  const latest = new Map<string, Map<Sender, string>>();
  for (const row of rows) {
    const content = contentOfRow('reaction', row.content);
    const bySender = latest.get(row.sid!) ?? new Map<Sender, string>();
    bySender.set(row.sender, content.kind === 'reaction' ? content.emoji : '');
    latest.set(row.sid!, bySender);
  }
  return new Map([...latest].map(([sid, bySender]) => [sid, [...bySender].filter(([, emoji]) => emoji).map(([sender, emoji]) => ({ sender, emoji }))]));
}

/**
 * The bubbles of these rows, oldest first as given: each with its content, the message it quotes (null when that one
 * is not ours to show) and its reactions; a reaction to a message we have is left out (it is shown on that message).
 */
export async function withReferences(db: Db, conversationId: number, rows: BubbleRow[]): Promise<MessageView[]> {
  const referred = await referredMessages(
    db,
    conversationId,
    rows.flatMap((row) => (row.refersToSid ? [row.refersToSid] : [])),
  );
  const reactions = await reactionsTo(
    db,
    conversationId,
    rows.flatMap((row) => (row.providerSid && row.kind !== 'reaction' ? [row.providerSid] : [])),
  );
  return rows
    .filter((row) => !(row.kind === 'reaction' && row.refersToSid && referred.has(row.refersToSid)))
    .map(({ kind, content, providerSid, refersToSid, ...view }) => {
      const target = refersToSid ? referred.get(refersToSid) : undefined;
      const reacted = providerSid ? reactions.get(providerSid) : undefined;
      return {
        ...view,
        content: contentOfRow(kind, content),
        ...(refersToSid && kind !== 'reaction' ? { quoted: target ? { sender: target.sender, kind: target.kind, body: target.body } : null } : {}),
        ...(reacted?.length ? { reactions: reacted } : {}),
      };
    });
}

/** The id of the message a reaction is shown on (the one it reacts to, when ours), else undefined. */
export async function reactionTarget(db: Db, conversationId: number, row: Pick<BubbleRow, 'kind' | 'refersToSid'>): Promise<number | undefined> {
  if (row.kind !== 'reaction' || !row.refersToSid) return undefined;
  return (await referredMessages(db, conversationId, [row.refersToSid])).get(row.refersToSid)?.id;
}

/** The ad that brought her: the referral of her first message that came with one. */
export async function firstReferral(db: Db, conversationId: number): Promise<{ headline?: string; sourceUrl?: string } | undefined> {
  const [row] = await db
    .select({ referral: messages.referral })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), isNotNull(messages.referral)))
    .orderBy(asc(messages.id))
    .limit(1);
  const referral = row?.referral as Referral | null | undefined;
  if (!referral) return undefined;
  return { headline: referral.headline, sourceUrl: referral.sourceUrl };
}
