/** @module test/privacy/retention-world — the crafted aspirants the retention CLI and page tests share, and a recording erasure. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../server/db/client';
import { aspirants, conversations, messages } from '../../server/db/schema';

export const NOW = new Date('2026-12-01T15:00:00Z');

/** Three aspirants: one closed without a hand-off 11 months ago (due), one open and silent since 2020 (due), one recent. */
export async function retentionWorld(db: Db) {
  async function craft(phone: string, status: 'open' | 'closed', last: string): Promise<number> {
    const [a] = await db.insert(aspirants).values({ whatsappId: phone, phone, firstName: 'Ana' }).returning({ id: aspirants.id });
    const [c] = await db
      .insert(conversations)
      .values({ aspirantId: a!.id, status, lastMessageAt: new Date(last) })
      .returning({ id: conversations.id });
    await db.insert(messages).values({ conversationId: c!.id, sender: 'aspirant', body: 'hola', status: 'delivered', createdAt: new Date(last) });
    return a!.id;
  }
  return {
    closedLongAgo: await craft('+573001110001', 'closed', '2026-01-05T12:00:00Z'),
    silentSince2020: await craft('+573001110002', 'open', '2020-03-01T12:00:00Z'),
    recent: await craft('+573001110003', 'closed', '2026-11-20T12:00:00Z'),
  };
}

export const remaining = async (db: Db) => (await db.select({ id: aspirants.id }).from(aspirants).orderBy(asc(aspirants.id))).map((r) => r.id);

/** An erasure that deletes her row (the real one is server/privacy/erase), recording whom it was asked for. */
export function recordingErase(db: () => Db) {
  const erased: number[] = [];
  const erase = async (id: number) => {
    erased.push(id);
    await db().delete(aspirants).where(eq(aspirants.id, id));
  };
  return { erased, erase };
}
