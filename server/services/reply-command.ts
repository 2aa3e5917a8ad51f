/**
 * @module server/services/reply-command — the commandId of a recruiter's reply sent from the composer, so that
 * sending the same reply again commits it once: a retry after "could not be saved" whose first try was in fact
 * saved, a second click while the first was on its way, a process that forwarded it to the conversation's owner and
 * heard nothing back in time (server/cluster/commands: "outcome unknown").
 *
 * Each composer is drawn with a command token (a random UUID, field `commandToken`) and keeps it until a reply is
 * accepted. The commandId is a SHA-256 of the conversation, the recruiter, that token and what is sent (text, or the
 * template and its values): the same reply from the same box is one command, which the commit door recognises by
 * the journal's unique commandId (server/conversations/commit/general alreadyApplied) and answers with the first
 * reply's message id; an edited reply, another recruiter or another conversation is another command. Mixing in the
 * recruiter and the conversation keeps one person's token from ever naming another's reply.
 */
import { createHash } from 'node:crypto';

/** The composer's hidden field that carries its command token. */
export const COMMAND_TOKEN_FIELD = 'commandToken';

/** What a command token looks like (a UUID, as `crypto.randomUUID()` makes): anything else is refused at the edge. */
export const COMMAND_TOKEN_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** A new command token, for a composer drawn for one recruiter. */
export function newCommandToken(): string {
  return crypto.randomUUID();
}

export interface ReplyCommand {
  conversationId: number;
  userId: number;
  /** The composer's command token (COMMAND_TOKEN_PATTERN). */
  token: string;
  body?: string;
  templateRef?: string;
  templateVariables?: Record<string, string>;
}

/** The reply's commandId: `reply-` and 32 hex digits (128 bits of SHA-256), the same for the same reply from the same box. */
export function replyCommandId(command: ReplyCommand): string {
  const variables = command.templateVariables ? Object.entries(command.templateVariables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  const material = JSON.stringify([command.conversationId, command.userId, command.token.toLowerCase(), command.body ?? null, command.templateRef ?? null, variables]);
  return `reply-${createHash('sha256').update(material).digest('hex').slice(0, 32)}`;
}
