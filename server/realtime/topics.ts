/** @module server/realtime/topics — WebSocket topic names, and which inbox topics a viewer may hear. */

export const conversationTopic = (id: number) => `conversation:${id}`;
export const ADMIN_INBOX = 'inbox:admin';
export const UNASSIGNED_INBOX = 'inbox:unassigned';
export const userInbox = (userId: number) => `inbox:user:${userId}`;

/** Admins hear every list change; a recruiter hears unassigned conversations and their own. */
export function inboxTopicsFor(user: { id: number; role: 'admin' | 'recruiter' }): string[] {
  return user.role === 'admin' ? [ADMIN_INBOX] : [UNASSIGNED_INBOX, userInbox(user.id)];
}

/** Where a list row change goes: admins, plus the assignee or everyone who may take it. */
export function rowTopics(assigneeId: number | null | undefined): string[] {
  return [ADMIN_INBOX, assigneeId ? userInbox(assigneeId) : UNASSIGNED_INBOX];
}
