/**
 * @module server/privacy/export-data — everything held about one person, as the `data.json` of her export (Law 1581
 * Art. 8 a–b, access and proof of authorisation; Decree 1377 Art. 21): her profile, form submissions, conversations with
 * every message of every kind (status, kind fields, reply and referral) and its files, notes, the consent ledger,
 * guardians, data-subject requests, the audit entries about her and the reads of her data. Rows as stored (camelCase
 * columns, ISO 8601 times); each file names its path in the archive (`media/…`), or null when the store has none.
 */
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { aspirants, auditLog, consents, conversations, dataSubjectRequests, formSubmissions, guardians, media, messages, notes, readAudit, users } from '../db/schema';
import { NotFoundError } from '../errors';

/** The version of this layout, written as `format` (a consumer checks it). */
export const EXPORT_FORMAT = 'wasap-export/1';

/** One file to put in the archive: its path there and its key in the blob store. */
export interface ExportFile {
  path: string;
  key: string;
  mediaId: number;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'application/pdf': 'pdf',
};

/** `media/<message id>-<media id>.<ext>`: names that say nothing of her and sort as the conversation went. */
function pathOf(messageId: number, mediaId: number, contentType: string | null): string {
  const ext = EXTENSIONS[(contentType ?? '').split(';')[0]!.trim().toLowerCase()] ?? 'bin';
  return `media/${messageId}-${mediaId}.${ext}`;
}

/** Her rows under each conversation: messages with their files, notes with their authors' names. */
async function conversationsOf(db: Db, aspirantId: number, files: ExportFile[]) {
  const convs = await db.select().from(conversations).where(eq(conversations.aspirantId, aspirantId)).orderBy(asc(conversations.id));
  const ids = convs.map((c) => c.id);
  if (ids.length === 0) return { list: [], ids };
  const msgs = await db.select().from(messages).where(inArray(messages.conversationId, ids)).orderBy(asc(messages.id));
  const files_ = msgs.length
    ? await db
        .select()
        .from(media)
        .where(
          inArray(
            media.messageId,
            msgs.map((m) => m.id),
          ),
        )
        .orderBy(asc(media.id))
    : [];
  const noteRows = await db
    .select({ id: notes.id, conversationId: notes.conversationId, body: notes.body, createdAt: notes.createdAt, author: users.name })
    .from(notes)
    .leftJoin(users, eq(users.id, notes.authorId))
    .where(inArray(notes.conversationId, ids))
    .orderBy(asc(notes.id));
  const list = convs.map((conv) => ({
    ...conv,
    messages: msgs
      .filter((m) => m.conversationId === conv.id)
      .map((m) => ({
        ...m,
        media: files_
          .filter((f) => f.messageId === m.id)
          .map(({ sourceUrl: _source, ...f }) => {
            const file = f.blobKey && f.state === 'stored' ? pathOf(m.id, f.id, f.contentType) : null;
            if (file) files.push({ path: file, key: f.blobKey!, mediaId: f.id });
            return { ...f, file };
          }),
      })),
    notes: noteRows.filter((n) => n.conversationId === conv.id),
  }));
  return { list, ids };
}

/** The audit entries about her: her aspirant row, her conversations, her requests, her guardians. */
async function auditAbout(db: Db, aspirantId: number, conversationIds: number[], requestIds: number[], guardianIds: number[]) {
  const about = (type: string, ids: number[]) => (ids.length ? and(eq(auditLog.targetType, type), inArray(auditLog.targetId, ids.map(String))) : undefined);
  const where = or(
    and(eq(auditLog.targetType, 'aspirant'), eq(auditLog.targetId, String(aspirantId))),
    about('conversation', conversationIds),
    about('data_request', requestIds),
    about('guardian', guardianIds),
  );
  return db
    .select({ id: auditLog.id, at: auditLog.createdAt, actor: auditLog.actor, action: auditLog.action, targetType: auditLog.targetType, targetId: auditLog.targetId, details: auditLog.details })
    .from(auditLog)
    .where(where)
    .orderBy(asc(auditLog.id));
}

/**
 * The `data.json` of aspirant `aspirantId` at `now`, and the files the archive carries beside it.
 * @throws NotFoundError when there is no such aspirant.
 */
export async function exportData(db: Db, aspirantId: number, now: Date) {
  const [profile] = await db.select().from(aspirants).where(eq(aspirants.id, aspirantId));
  if (!profile) throw new NotFoundError(`Aspirant ${aspirantId}`);
  const files: ExportFile[] = [];
  const convs = await conversationsOf(db, aspirantId, files);
  const [forms, ledger, guardianRows, requests, reads] = await Promise.all([
    db.select().from(formSubmissions).where(eq(formSubmissions.aspirantId, aspirantId)).orderBy(asc(formSubmissions.id)),
    db.select().from(consents).where(eq(consents.aspirantId, aspirantId)).orderBy(asc(consents.id)),
    db.select().from(guardians).where(eq(guardians.aspirantId, aspirantId)).orderBy(asc(guardians.id)),
    db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.aspirantId, aspirantId)).orderBy(asc(dataSubjectRequests.id)),
    db
      .select({ at: readAudit.at, actor: readAudit.actor, action: readAudit.action, conversationId: readAudit.conversationId, mediaId: readAudit.mediaId })
      .from(readAudit)
      .where(eq(readAudit.aspirantId, aspirantId))
      .orderBy(asc(readAudit.id)),
  ]);
  const audit = await auditAbout(
    db,
    aspirantId,
    convs.ids,
    requests.map((r) => r.id),
    guardianRows.map((g) => g.id),
  );
  const data = {
    format: EXPORT_FORMAT,
    exportedAt: now.toISOString(),
    aspirant: profile,
    formSubmissions: forms,
    conversations: convs.list,
    consents: ledger,
    guardians: guardianRows,
    dataSubjectRequests: requests,
    audit,
    reads,
  };
  return { data, files };
}

export type ExportData = Awaited<ReturnType<typeof exportData>>['data'];
