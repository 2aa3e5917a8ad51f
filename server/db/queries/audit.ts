/** @module server/db/queries/audit — appends to the audit log. */
import type { Db } from '../client';
import { auditLog } from '../schema';

export interface AuditEntry {
  actor: string;
  actorUserId?: number | null;
  action: string;
  targetType?: string;
  targetId?: string | number;
  details?: Record<string, unknown>;
  ip?: string;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actor: entry.actor,
    actorUserId: entry.actorUserId ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId === undefined ? undefined : String(entry.targetId),
    details: entry.details,
    ip: entry.ip,
  });
}
