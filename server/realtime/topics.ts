/** @module server/realtime/topics — WebSocket topic names, and which list topics a viewer may hear for the filters on screen. */
import { CONVERSATION_STATUSES, type InboxScope, type Role } from '../../actors/vocabulary';

export const conversationTopic = (id: number) => `conversation:${id}`;
export const ADMIN_INBOX = 'inbox:admin';
export const UNASSIGNED_INBOX = 'inbox:unassigned';
export const userInbox = (userId: number) => `inbox:user:${userId}`;

/**
 * A list tab shows one status, `any` (every status but archived) or `waiting` (conversations whose aspirant waits for
 * our answer, closed and archived ones left out): one topic per audience and status.
 */
export const LIST_STATUSES = ['any', 'waiting', ...CONVERSATION_STATUSES] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

export const listTopic = (audience: string, status: ListStatus = 'any') => `${audience}|${status}`;

export interface ListFilters {
  scope: InboxScope;
  status?: string;
  q?: string;
}

/**
 * The list topics a tab hears: admins every conversation, a recruiter the unassigned ones and
 * their own — narrowed by the tab's scope and status. A search result does not change live.
 */
export function listTopicsFor(user: { id: number; role: Role }, filters: ListFilters): string[] {
  if (filters.q) return [];
  const status = (LIST_STATUSES as readonly string[]).includes(filters.status ?? '') ? (filters.status as ListStatus) : 'any';
  let audiences: string[];
  if (filters.scope === 'mine') audiences = [userInbox(user.id)];
  else if (filters.scope === 'unassigned') audiences = [UNASSIGNED_INBOX];
  else audiences = user.role === 'admin' ? [ADMIN_INBOX] : [UNASSIGNED_INBOX, userInbox(user.id)];
  return audiences.map((audience) => listTopic(audience, status));
}

/** Who hears a conversation's row: admins, plus the assignee or everyone who may take it. */
export function rowAudiences(assigneeId: number | null | undefined): string[] {
  return [ADMIN_INBOX, assigneeId ? userInbox(assigneeId) : UNASSIGNED_INBOX];
}

/** Whether a row belongs in a tab filtered by `filter` (the rule of server/db/queries/inbox listConversations). */
export function rowMatches(row: { status: string; waitingSince: Date | null }, filter: ListStatus): boolean {
  if (filter === 'waiting') return row.waitingSince !== null && row.status !== 'closed' && row.status !== 'archived';
  return filter === 'any' ? row.status !== 'archived' : row.status === filter;
}

export const deleteRow = (conversationId: number) => `<div id="conv-row-${conversationId}" hx-swap-oob="delete"></div>`;
