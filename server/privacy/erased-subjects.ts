/**
 * @module server/privacy/erased-subjects — what is remembered of an erased person (Law 1581 Art. 15, supresión): only
 * HMAC-SHA256 hashes of her phone and of her BSUID, keyed with a key derived (HKDF-SHA256, label
 * `wasap/erased-subjects/v1`) from the install's secret (WASAP_SECRET or `<data>/secret`, server/config resolveSecret),
 * and whether she had opted out. A later message from the same identity starts a clean aspirant; if she had opted
 * out, that aspirant is opted out too (the STOP she sent is honoured, Law 1581 Art. 8 e).
 *
 * The check runs when an actor loads a conversation that has none yet (a person's first message since she was
 * created), never on the webhook's hot path (server/db/inbound-statement): one indexed query per new person.
 * Changing the install's secret forgets every remembered opt-out (the hashes no longer match).
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { ConversationStore } from '../../actors/conversation/ports';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';

const LABEL = 'wasap/erased-subjects/v1';

/** The HMAC key for identity hashes, derived from the install's secret (32 bytes). */
export function identityKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', LABEL, 32));
}

/** An identity: her phone (E.164, `+573001234567`) or her BSUID (`CO.1502576394655843`); a key without `+` is a BSUID. */
export interface SubjectIdentity {
  phone?: string | null;
  bsuid?: string | null;
}

/** The hashes (hex) of each identity she has: `phone:<E.164>` and `bsuid:<id>`, one each. */
export function identityHashes(key: Buffer, identity: SubjectIdentity): string[] {
  const labelled = [identity.phone ? `phone:${identity.phone}` : null, identity.bsuid ? `bsuid:${identity.bsuid}` : null].filter((x): x is string => x !== null);
  return labelled.map((value) => createHmac('sha256', key).update(value).digest('hex'));
}

/** The identity a conversation key names (server/whatsapp/identity keyOf: her phone when known, else her BSUID). */
export function identityOfKey(conversationKey: string): SubjectIdentity {
  return conversationKey.startsWith('+') ? { phone: conversationKey } : { bsuid: conversationKey };
}

/** Whether any of these hashes belongs to an erased person who had opted out. */
export async function rememberedOptOut(db: Db, hashes: string[]): Promise<boolean> {
  if (hashes.length === 0) return false;
  const rows = rowsOf<{ opted_out: boolean }>(
    await db.execute(sql`select bool_or(opted_out) as opted_out from erased_subjects where identity_hash = any (array(select jsonb_array_elements_text(${JSON.stringify(hashes)}::jsonb)))`),
  );
  return rows[0]?.opted_out === true;
}

/**
 * The person behind a key who has no conversation yet: opted out in the store (aspirants.opted_out_at, which the
 * outbox also reads) when an erased subject with one of her identities had opted out. Answers whether she is.
 */
async function applyRememberedOptOut(db: Db, key: Buffer, conversationKey: string): Promise<boolean> {
  const [aspirant] = rowsOf<{ phone: string | null; bsuid: string | null }>(await db.execute(sql`select phone, bsuid from aspirants where whatsapp_id = ${conversationKey}`));
  const hashes = new Set([...identityHashes(key, identityOfKey(conversationKey)), ...(aspirant ? identityHashes(key, aspirant) : [])]);
  if (!(await rememberedOptOut(db, [...hashes]))) return false;
  await db.execute(sql`update aspirants set opted_out_at = coalesce(opted_out_at, now()) where whatsapp_id = ${conversationKey}`);
  return true;
}

/**
 * The conversation store, remembering erased subjects' opt-outs: a state loaded without a conversation (a new
 * person, or one erased and writing again) is checked once; an aspirant row created by the actor afterwards
 * (`ensureAspirant`, for events stored without one) is checked again.
 */
export function rememberingOptOuts<B>(store: ConversationStore<B>, db: Db, secret: string): ConversationStore<B> {
  const key = identityKey(secret);
  return {
    ...store,
    async load(conversationKey) {
      const state = await store.load(conversationKey);
      if (state.conversationId !== null || state.optedOut) return state;
      return (await applyRememberedOptOut(db, key, conversationKey)) ? { ...state, optedOut: true } : state;
    },
    async ensureAspirant(conversationKey, whatsappName) {
      const id = await store.ensureAspirant(conversationKey, whatsappName);
      await applyRememberedOptOut(db, key, conversationKey);
      return id;
    },
  };
}
