/**
 * @module server/privacy/read-audit — records every read of personal data (Law 1581 Art. 17 lit. d and Decree 1377
 * Art. 26, accountability: the controller must be able to show who accessed a titular's data): a conversation opened,
 * a file seen or downloaded, a search. One insert per read, off the response's path: a failed insert is logged and
 * counted (`wasap_read_audit_failures_total`), never thrown at the reader. Exports are recorded by the export itself.
 */
import { sql } from 'drizzle-orm';
import type { ReadAction } from '../../actors/vocabulary';
import type { Db } from '../db/client';
import { conversations, readAudit } from '../db/schema';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { servedInline } from '../routes/media-response';

/** Who read: a signed-in user, or `cli` (userId null) for the command line. */
export interface Reader {
  id: number | null;
  email: string;
}

/** One read. `aspirantId` is looked up from `conversationId` when not given (in the same insert). */
export interface ReadEntry {
  action: ReadAction;
  conversationId?: number;
  aspirantId?: number;
  mediaId?: number;
  /** What was asked: a search's terms (`{ q }`). */
  details?: Record<string, unknown>;
}

export interface ReadAudit {
  /** Records one read in the background (never throws, never waits). */
  record(reader: Reader, entry: ReadEntry): void;
  /** The inbox page (`GET /inbox`, `GET /inbox/:id`): an open and/or a search, as decided by `inboxReads`. */
  page(reader: Reader, request: Request, query: InboxQuery, openId?: number): void;
  /** `GET /media/:id`: `media.viewed` or `media.downloaded` as decided by `mediaReadAction`, once per fetch of the file. */
  media(reader: Reader, request: Request, file: { mediaId: number; conversationId: number; contentType: string }): void;
  /** Resolves once every write started so far has ended (tests, shutdown). */
  idle(): Promise<void>;
}

export interface InboxQuery {
  q?: string;
  cursor?: string;
  before?: string;
}

/** htmx's target when the list alone is replaced (search as she types) or extended (next page): views/inbox/conversation-list. */
const LIST_TARGET = /#conv-list(-more)?$/;

/**
 * What a request for the inbox page reads. An open: a conversation shown, not its older messages (`before`), not the
 * list's next page (`cursor`), not the list replaced by a search typed beside an open conversation. A search: terms
 * given, not the next page of the same search. Pushes never pass through here (they go over the WebSocket).
 */
export function inboxReads(request: Request, query: InboxQuery, openId?: number): ReadEntry[] {
  const target = request.headers.get('hx-target') ?? '';
  const listOnly = request.headers.get('hx-request') === 'true' && LIST_TARGET.test(target);
  const reads: ReadEntry[] = [];
  if (openId !== undefined && !query.before && !query.cursor && !listOnly) reads.push({ action: 'conversation.opened', conversationId: openId });
  const q = query.q?.trim();
  if (q && !query.cursor && !query.before && (openId === undefined || listOnly)) reads.push({ action: 'search', details: { q: q.slice(0, 200) } });
  return reads;
}

/**
 * What a fetch of a stored file is: `media.downloaded` when asked as a download (`?download=1`) or served as an
 * attachment (server/routes/media-response: documents, SVG…), else `media.viewed` (a photo, a player). A range that
 * does not start at byte 0 is a player seeking inside a file already counted: null.
 */
export function mediaReadAction(request: Request, contentType: string): ReadAction | null {
  const start = /^\s*bytes\s*=\s*(\d*)\s*-/i.exec(request.headers.get('range') ?? '')?.[1];
  // `bytes=0-` is the first fetch of a player; `bytes=N-` or a suffix (`bytes=-N`) is the same file read further.
  if (start !== undefined && (start === '' || Number(start) > 0)) return null;
  const download = new URL(request.url).searchParams.get('download');
  if ((download !== null && download !== '0') || !servedInline(contentType)) return 'media.downloaded';
  return 'media.viewed';
}

/** The command line's reads (`wasap replay` prints what the bot told her): no user, labelled `cli`. */
export const CLI_READER: Reader = { id: null, email: 'cli' };

/** Writes one read now (one insert; the aspirant looked up from the conversation in it). Throws what the insert throws. */
export async function recordRead(db: Db, reader: Reader, entry: ReadEntry): Promise<void> {
  const aspirantId =
    entry.aspirantId ?? (entry.conversationId === undefined ? null : sql`(select ${conversations.aspirantId} from ${conversations} where ${conversations.id} = ${entry.conversationId})`);
  await db.insert(readAudit).values({
    userId: reader.id,
    actor: reader.email,
    action: entry.action,
    aspirantId,
    conversationId: entry.conversationId ?? null,
    mediaId: entry.mediaId ?? null,
    details: entry.details ?? null,
  });
}

/** The recorder the routes call; `db` is written once per read. */
export function createReadAudit(options: { db: Db; logger: Logger; metrics: Metrics }): ReadAudit {
  const { db, logger } = options;
  const failures = options.metrics.counter('wasap_read_audit_failures_total', 'Reads of personal data that could not be recorded in read_audit (logged)');
  const pending = new Set<Promise<void>>();

  function write(reader: Reader, entry: ReadEntry): Promise<void> {
    return recordRead(db, reader, entry).catch((error: unknown) => {
      failures.inc();
      logger.error('read not recorded in read_audit', { action: entry.action, conversationId: entry.conversationId, mediaId: entry.mediaId, userId: reader.id, err: error as Error });
    });
  }

  function record(reader: Reader, entry: ReadEntry): void {
    const task = write(reader, entry);
    pending.add(task);
    void task.finally(() => pending.delete(task));
  }

  return {
    record,
    page(reader, request, query, openId) {
      for (const entry of inboxReads(request, query, openId)) record(reader, entry);
    },
    media(reader, request, file) {
      const action = mediaReadAction(request, file.contentType);
      if (action) record(reader, { action, mediaId: file.mediaId, conversationId: file.conversationId });
    },
    async idle() {
      while (pending.size) await Promise.all(pending);
    },
  };
}
