/** @module server/services/bot-scripts — immutable bot script versions: publish, activate, look up, and the shipped default. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, desc, eq, sql } from 'drizzle-orm';
import { parseScript, type BotScript, type ScriptProblem } from '../../actors/bot/script';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import { botScripts } from '../db/schema';
import { AppError } from '../errors';

export const DEFAULT_SCRIPT_NAME = 'intake';
export const DEFAULT_SCRIPT_FILE = join(import.meta.dir, '..', '..', 'actors', 'bot', 'scripts', 'intake.yaml');

export type ScriptRow = typeof botScripts.$inferSelect;

export class ScriptInvalidError extends AppError {
  constructor(readonly problems: ScriptProblem[]) {
    super('SCRIPT_INVALID', 422, `The script has ${problems.length} problem(s): ${problems.map((p) => `${p.line ? `line ${p.line} ` : ''}${p.path}: ${p.message}`).join('; ')}`, problems);
  }
}

export class ScriptNotFoundError extends AppError {
  constructor(ref: string) {
    super('SCRIPT_NOT_FOUND', 404, `No bot script ${ref}. List them with \`wasap bot list\`.`);
  }
}

/** SHA-256 hex of a script body: how an unchanged re-publish is recognised. */
export function checksum(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** `name@version`, the reference conversations pin. */
export function refOf(row: Pick<ScriptRow, 'name' | 'version'>): string {
  return `${row.name}@${row.version}`;
}

/** A pinned reference, `name@version` (a version always given), as `wasap replay --script` and its API take it. */
export const PINNED_REF = /^[a-z0-9][a-z0-9_-]*@\d+$/;

/** `name` (the active version) or `name@version`. */
export function parseRef(ref: string): { name: string; version?: number } {
  const match = /^([a-z0-9][a-z0-9_-]{0,62})(?:@(\d{1,9}))?$/.exec(ref.trim());
  if (!match) throw new AppError('SCRIPT_REF_INVALID', 400, `"${ref}" is not a script reference; use NAME or NAME@VERSION.`);
  return { name: match[1]!, version: match[2] ? Number(match[2]) : undefined };
}

/** The row for `name` (its active version) or `name@version`; 400 for a malformed ref, 404 when there is none. */
export async function findScript(db: Db, ref: string): Promise<ScriptRow> {
  const { name, version } = parseRef(ref);
  const where = version === undefined ? and(eq(botScripts.name, name), eq(botScripts.active, true)) : and(eq(botScripts.name, name), eq(botScripts.version, version));
  const [row] = await db.select().from(botScripts).where(where).limit(1);
  if (!row) throw new ScriptNotFoundError(ref);
  return row;
}

/** Every version of every script, by name, newest first. */
export async function listScripts(db: Db): Promise<ScriptRow[]> {
  return db.select().from(botScripts).orderBy(botScripts.name, desc(botScripts.version));
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Arbitrary, fixed: the first key of the two-key advisory locks that serialise writes to one script name. */
const SCRIPT_LOCK_CLASS = 0x57_53_42_53;

/**
 * Publishes and activations of one name take turns until their transaction ends: two concurrent publishes
 * would otherwise both read the same latest version and collide on (name, version), and two activations on
 * the one-active-version index. A lock rather than a retry: a name with no row yet has nothing to lock.
 */
async function lockName(tx: Tx, name: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SCRIPT_LOCK_CLASS}::int4, hashtext(${name}))`);
}

/** Publishes the body as the next version of its name; the same body as the latest version publishes nothing new. */
export async function publishScript(db: Db, body: string, author: string, activate = false): Promise<{ row: ScriptRow; created: boolean }> {
  const parsed = parseScript(body);
  if (!parsed.ok) throw new ScriptInvalidError(parsed.problems);
  const name = parsed.script.name;
  const sum = checksum(body);
  const result = await db.transaction(async (tx) => {
    await lockName(tx, name);
    const [latest] = await tx.select().from(botScripts).where(eq(botScripts.name, name)).orderBy(desc(botScripts.version)).limit(1);
    if (latest?.checksum === sum) return { row: latest, created: false };
    const [row] = await tx
      .insert(botScripts)
      .values({ name, version: (latest?.version ?? 0) + 1, body, checksum: sum, author })
      .returning();
    return { row: row!, created: true };
  });
  if (result.created) await recordAudit(db, { actor: author, action: 'bot_script.published', targetType: 'bot_script', targetId: refOf(result.row) });
  if (activate) return { row: await activateScript(db, refOf(result.row), author), created: result.created };
  return result;
}

/** Bumped by every activation in this process: script caches drop the active versions they remember. */
let activations = 0;

/** Makes `ref` the one active version of its name (new conversations start on it). */
export async function activateScript(db: Db, ref: string, author: string): Promise<ScriptRow> {
  const target = await findScript(db, ref);
  const row = await db.transaction(async (tx) => {
    await lockName(tx, target.name);
    await tx
      .update(botScripts)
      .set({ active: false })
      .where(and(eq(botScripts.name, target.name), eq(botScripts.active, true)));
    const [updated] = await tx.update(botScripts).set({ active: true, activatedAt: new Date() }).where(eq(botScripts.id, target.id)).returning();
    return updated!;
  });
  // After the commit: a look-up racing the activation cannot remember the old version under the new count.
  activations++;
  await recordAudit(db, { actor: author, action: 'bot_script.activated', targetType: 'bot_script', targetId: refOf(row) });
  return row;
}

/**
 * At start-up: with no active default script, the shipped one is published and activated. AGENCY_NAME is not written
 * into it: the bot reads it when each message is written (actors/bot/script-types DEPLOYMENT_VARIABLES).
 */
export async function ensureDefaultScript(db: Db): Promise<ScriptRow> {
  const [active] = await db
    .select()
    .from(botScripts)
    .where(and(eq(botScripts.name, DEFAULT_SCRIPT_NAME), eq(botScripts.active, true)))
    .limit(1);
  if (active) return active;
  return (await publishScript(db, readFileSync(DEFAULT_SCRIPT_FILE, 'utf8'), 'system', true)).row;
}

/**
 * How long the active version of a name is remembered. Activations go through this process's admin API, which
 * forgets at once; the bound covers a change made in the database by other means.
 */
const ACTIVE_TTL_MS = 5000;

/**
 * Parsed scripts by ref: versions are immutable, so a parsed one is cached for good. Which version is active is
 * remembered for ACTIVE_TTL_MS (until the next activation here), and concurrent look-ups share one query — a burst of
 * new conversations does not read the same row once each.
 */
export function createScriptCache(db: Db) {
  const parsed = new Map<string, BotScript>();
  const active = new Map<string, { row: Promise<ScriptRow>; at: number; generation: number }>();

  function activeRow(name: string): Promise<ScriptRow> {
    const known = active.get(name);
    if (known && known.generation === activations && Date.now() - known.at < ACTIVE_TTL_MS) return known.row;
    const row = findScript(db, name);
    active.set(name, { row, at: Date.now(), generation: activations });
    // A failed look-up is not remembered.
    row.catch(() => active.get(name)?.row === row && active.delete(name));
    return row;
  }

  async function get(ref: string): Promise<{ ref: string; script: BotScript }> {
    const cached = parsed.get(ref);
    if (cached && ref.includes('@')) return { ref, script: cached };
    const row = ref.includes('@') ? await findScript(db, ref) : await activeRow(parseRef(ref).name);
    const full = refOf(row);
    let script = parsed.get(full);
    if (!script) {
      const result = parseScript(row.body);
      if (!result.ok) throw new ScriptInvalidError(result.problems);
      script = result.script;
      parsed.set(full, script);
    }
    return { ref: full, script };
  }
  return { get };
}

export type ScriptCache = ReturnType<typeof createScriptCache>;
