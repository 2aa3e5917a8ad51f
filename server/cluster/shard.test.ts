import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../db/rows';
import { drivers, testDatabase } from '../../test/support/db';
import { SHARD_COUNT, shardOf, shardSql } from './shard';

describe('shardOf', () => {
  test('spreads keys over all 256 shards, and SQL computes the same shard', async () => {
    const keys = Array.from({ length: 4000 }, (_, i) => `+57300${String(i).padStart(7, '0')}`);
    const counts = new Array<number>(SHARD_COUNT).fill(0);
    for (const key of keys) counts[shardOf(key)]!++;
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(Math.max(...counts)).toBeLessThan(40);
    await using database = await testDatabase(drivers.at(-1));
    const sample = keys.slice(0, 50).concat(['US.13491208655302741918', 'ñandú']);
    const rows = rowsOf<{ k: string; s: number }>(await database.db.execute(sql`select k, ${shardSql(sql`k`)} as s from unnest(${`{${sample.map((k) => `"${k}"`).join(',')}}`}::text[]) as k`));
    for (const row of rows) expect(Number(row.s)).toBe(shardOf(row.k));
    expect(rows.length).toBe(sample.length);
  });
});
