/**
 * @module server/services/templates — the WhatsApp templates recruiters may send outside the 24-hour window, from
 * the provider itself: `syncTemplates` copies what `provider.listTemplates()` returns into the `templates` table (on
 * start and on demand: `wasap templates sync`, POST /api/admin/templates/sync), `approvedTemplates` is what the
 * composer offers and the reply route accepts. TWILIO_TEMPLATES is the fallback while the provider lists none (the
 * simulator has no list at all; a Twilio account whose sync has not run yet or failed at start).
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { placeholdersOf } from '../../actors/conversation/template-text';
import type { TemplateConfig } from '../config';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import { templates } from '../db/schema';
import { AppError } from '../errors';
import { TEMPLATE_REF_PATTERN, type ProviderTemplate, type WhatsAppProvider } from '../whatsapp/port';

/** What one sync changed: templates new to the table, changed in it, and no longer listed; `listed` is how many the provider lists now. */
export interface SyncCounts {
  added: number;
  updated: number;
  removed: number;
  listed: number;
}

/** A sync's outcome: the provider's name and the counts; `supported: false` for a provider with no template list (the simulator). */
export interface SyncResult extends SyncCounts {
  provider: string;
  supported: boolean;
}

/** 502: the provider did not answer its template list (down, wrong credentials); the table is left as it was. */
export class TemplateSyncError extends AppError {
  override readonly code = 'TEMPLATE_SYNC_FAILED' as const;
  constructor(provider: string, cause: unknown) {
    super('TEMPLATE_SYNC_FAILED', 502, `${provider} did not list its templates (${(cause as Error)?.message ?? String(cause)}); the templates stored before are kept. Try again later.`);
  }
}

/** A template the composer offers: approved and listed by the active provider, or one of TWILIO_TEMPLATES. */
export interface OfferedTemplate {
  ref: string;
  name: string;
  language: string;
  category: string | null;
  body: string;
  /** Every placeholder that needs a value, in order (`['1', '2']`). */
  variables: string[];
  /** `provider` for a synced one, `fallback` for one of TWILIO_TEMPLATES. */
  source: 'provider' | 'fallback';
}

/** A stored template, as the admin API and `wasap templates list` show it (dates as ISO 8601). */
export interface TemplateRowView {
  provider: string;
  ref: string;
  name: string;
  language: string;
  category: string | null;
  status: string;
  body: string;
  variables: string[];
  listed: boolean;
  syncedAt: string;
}

/** Arbitrary, fixed: the first key of the advisory lock that serialises the syncs of one provider (bot scripts use 0x5a5). */
const SYNC_LOCK_CLASS = 0x7e4;
/** Bounds on what a provider sends (Meta: a name has at most 512 characters, a body 1,024; Twilio's bodies up to 1,600). */
const MAX = { name: 512, language: 20, category: 40, status: 40, body: 4096, variables: 100 } as const;
const REF = new RegExp(TEMPLATE_REF_PATTERN);

/** Text Postgres can store: no NUL or other control character but line breaks and tabs, no lone surrogate; cut to `max`. */
function storable(text: unknown, max: number): string {
  const clean = String(text ?? '')
    .toWellFormed()
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return [...clean].slice(0, max).join('');
}

/** A listed template made safe to store, or undefined for one that cannot be sent (no valid ref). */
export function cleanTemplate(template: ProviderTemplate): ProviderTemplate | undefined {
  if (typeof template?.ref !== 'string' || template.ref === '' || !REF.test(template.ref)) return undefined;
  const body = storable(template.body, MAX.body);
  const category = storable(template.category ?? '', MAX.category).toLowerCase();
  return {
    ref: template.ref,
    name: storable(template.name, MAX.name) || template.ref,
    language: storable(template.language, MAX.language),
    category: category || null,
    status: storable(template.status, MAX.status).toLowerCase() || 'unknown',
    body,
    // Every placeholder of the body needs a value, whatever the provider listed.
    variables: placeholdersOf(body, Array.isArray(template.variables) ? template.variables : []).slice(0, MAX.variables),
  };
}

/** Rejects with the signal's reason once it fires. */
function abortedBy(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

const same = (row: typeof templates.$inferSelect, t: ProviderTemplate) =>
  row.listed &&
  row.name === t.name &&
  row.language === t.language &&
  row.category === t.category &&
  row.status === t.status &&
  row.body === t.body &&
  row.variables.join('\u0000') === t.variables.join('\u0000');

/**
 * Copies the provider's template list into the table in one transaction: new refs are inserted, changed ones updated,
 * the ones it no longer lists marked `listed = false` (kept for history). Records `templates.synced` in the audit log
 * for `actor` (an admin's label, or `system` at start — then only when something changed). `signal` (a stopping
 * server's) ends the wait for the provider at once, and nothing is written after it fired.
 * @throws TemplateSyncError (502) when the provider's list fails; nothing is written then. The signal's reason when aborted.
 */
export async function syncTemplates(db: Db, provider: Pick<WhatsAppProvider, 'name' | 'listTemplates'>, options: { actor?: string; now?: Date; signal?: AbortSignal } = {}): Promise<SyncResult> {
  if (!provider.listTemplates) return { provider: provider.name, supported: false, added: 0, updated: 0, removed: 0, listed: 0 };
  const { signal } = options;
  let listed: ProviderTemplate[];
  try {
    listed = await (signal ? Promise.race([provider.listTemplates(), abortedBy(signal)]) : provider.listTemplates());
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new TemplateSyncError(provider.name, error);
  }
  signal?.throwIfAborted();
  // One row per ref: the last listed wins.
  const byRef = new Map<string, ProviderTemplate>();
  for (const raw of listed) {
    const template = cleanTemplate(raw);
    if (template) byRef.set(template.ref, template);
  }
  const now = options.now ?? new Date();
  const counts = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SYNC_LOCK_CLASS}::int4, hashtext(${provider.name}))`);
    const stored = new Map((await tx.select().from(templates).where(eq(templates.provider, provider.name))).map((row) => [row.ref, row]));
    const fresh = [...byRef.values()].filter((t) => !stored.has(t.ref));
    const changed = [...byRef.values()].filter((t) => stored.has(t.ref) && !same(stored.get(t.ref)!, t));
    if (fresh.length > 0) await tx.insert(templates).values(fresh.map((t) => ({ provider: provider.name, ...t, listed: true, syncedAt: now, createdAt: now, updatedAt: now })));
    for (const t of changed) {
      await tx
        .update(templates)
        .set({ ...t, listed: true, syncedAt: now, updatedAt: now })
        .where(and(eq(templates.provider, provider.name), eq(templates.ref, t.ref)));
    }
    const seen = [...byRef.keys()];
    if (seen.length > 0)
      await tx
        .update(templates)
        .set({ syncedAt: now })
        .where(and(eq(templates.provider, provider.name), inArray(templates.ref, seen)));
    const gone = [...stored.values()].filter((row) => row.listed && !byRef.has(row.ref)).map((row) => row.ref);
    if (gone.length > 0) {
      await tx
        .update(templates)
        .set({ listed: false, updatedAt: now })
        .where(and(eq(templates.provider, provider.name), inArray(templates.ref, gone)));
    }
    return { added: fresh.length, updated: changed.length, removed: gone.length, listed: byRef.size };
  });
  const actor = options.actor ?? 'system';
  if (actor !== 'system' || counts.added + counts.updated + counts.removed > 0) {
    await recordAudit(db, { actor, action: 'templates.synced', targetType: 'templates', targetId: provider.name, details: { ...counts } });
  }
  return { provider: provider.name, supported: true, ...counts };
}

/** Every stored template, by provider, listed before withdrawn, then by name. */
export async function storedTemplates(db: Db): Promise<TemplateRowView[]> {
  const rows = await db.select().from(templates).orderBy(asc(templates.provider), desc(templates.listed), asc(templates.name), asc(templates.ref));
  return rows.map((row) => ({
    provider: row.provider,
    ref: row.ref,
    name: row.name,
    language: row.language,
    category: row.category,
    status: row.status,
    body: row.body,
    variables: row.variables,
    listed: row.listed,
    syncedAt: row.syncedAt.toISOString(),
  }));
}

/** TWILIO_TEMPLATES as offered templates: `{{1}}`-style placeholders read from each preview. */
export function fallbackTemplates(fallback: readonly TemplateConfig[]): OfferedTemplate[] {
  return fallback.map((t) => ({ ref: t.sid, name: t.name, language: '', category: null, body: t.preview, variables: placeholdersOf(t.preview), source: 'fallback' }));
}

/**
 * What the composer offers and the reply route accepts: the templates `provider` lists as approved (the last sync's
 * view), by name. While the provider lists none at all — it has no list (the simulator), or no sync has stored one
 * yet — the TWILIO_TEMPLATES `fallback` instead; never for Meta, whose templates are not Content SIDs.
 */
export async function approvedTemplates(db: Db, provider: Pick<WhatsAppProvider, 'name'>, fallback: readonly TemplateConfig[] = []): Promise<OfferedTemplate[]> {
  const rows = await db
    .select()
    .from(templates)
    .where(and(eq(templates.provider, provider.name), eq(templates.listed, true)))
    .orderBy(asc(templates.name), asc(templates.ref));
  if (rows.length === 0) return provider.name === 'meta' ? [] : fallbackTemplates(fallback);
  return rows
    .filter((row) => row.status === 'approved')
    .map((row) => ({ ref: row.ref, name: row.name, language: row.language, category: row.category, body: row.body, variables: row.variables, source: 'provider' }));
}
