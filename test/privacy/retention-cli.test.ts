/**
 * @module test/privacy/retention-cli.test — `wasap retention` against a listening app with an injected clock and
 * erasure (ServiceOptions.retentionErase): --dry-run lists exactly who is due and erases nothing; --yes erases exactly
 * them; the server refuses while RETENTION_ENABLED is off; without a flag a script is refused.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import type { Db } from '../../server/db/client';
import { auditLog } from '../../server/db/schema';
import type { RetentionReport } from '../../server/privacy/retention-run';
import { createApiToken } from '../../server/services/api-tokens';
import { testApp } from '../support/app';
import { wasap } from '../support/cli';
import { drivers } from '../support/db';
import { listen } from '../support/listen';
import { NOW, recordingErase, remaining, retentionWorld } from './retention-world';

async function cliApp(driver: (typeof drivers)[number], enabled: boolean) {
  let db: Db | undefined;
  const { erased, erase } = recordingErase(() => db!);
  const t = await testApp(driver, { env: { RETENTION_ENABLED: String(enabled) }, overrides: { now: () => NOW.getTime(), retentionErase: erase, retentionPollMs: 0 } });
  db = t.database.db;
  const server = listen(t);
  const { token } = await createApiToken(db, 'test', 'test');
  const env = { WASAP_URL: server.url, WASAP_API_TOKEN: token };
  const world = await retentionWorld(db);
  // The server stops before the database closes.
  const done = {
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await t[Symbol.asyncDispose]();
    },
  };
  return { t: done, db, env, erased, world };
}

const reports = async (db: Db) => (await db.select().from(auditLog).where(eq(auditLog.action, 'retention.ran'))).map((r) => ({ actor: r.actor, details: r.details as RetentionReport }));

describe.each(drivers)('wasap retention on %s', (driver) => {
  test('--dry-run lists exactly who is due (id, masked number, rule, since) and erases nothing; --yes erases exactly them', async () => {
    const { t, db, env, erased, world } = await cliApp(driver, true);
    await using _ = t;
    const before = await remaining(db);
    const dry = await wasap(['retention', '--dry-run'], env);
    expect(dry).toMatchObject({ code: 0, err: '' });
    const rows = dry.out.split('\n').filter((line) => /^\d+\s+\d+\s/.test(line));
    expect(rows.map((line) => line.split(/\s+/).slice(0, 4))).toEqual([
      [String(world.silentSince2020), expect.any(String), '+57••••••••02', 'inactive'],
      [String(world.closedLongAgo), expect.any(String), '+57••••••••01', 'closed_no_handoff'],
    ]);
    expect(dry.out).toContain('2020-03-01');
    expect(dry.out).not.toContain('+573001110');
    const json = JSON.parse((await wasap(['retention', '--dry-run', '--json'], env)).out) as { enabled: boolean; due: { aspirantId: number }[] };
    expect(json.enabled).toBe(true);
    expect(json.due.map((d) => d.aspirantId)).toEqual([world.silentSince2020, world.closedLongAgo]);
    expect(erased).toEqual([]);
    expect(await remaining(db)).toEqual(before);
    expect(await reports(db)).toEqual([]);

    const run = await wasap(['retention', '--yes'], env);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toContain('erased 2 of 2 due');
    expect(erased.slice().sort((a, b) => a - b)).toEqual([world.closedLongAgo, world.silentSince2020].sort((a, b) => a - b));
    expect(await remaining(db)).toEqual([world.recent]);
    const [report] = await reports(db);
    expect(report!.details.erasedIds.slice().sort((a, b) => a - b)).toEqual([world.closedLongAgo, world.silentSince2020].sort((a, b) => a - b));
    expect(report).toMatchObject({ actor: 'token:test', details: { trigger: 'manual', dryRun: false, failedIds: [] } });
    // Nothing is due any more.
    expect((await wasap(['retention', '--dry-run'], env)).out).toContain('no one is due now');
  });

  test('the server refuses --yes while RETENTION_ENABLED is off; without a flag and without a terminal nothing is erased', async () => {
    const { t, db, env, erased } = await cliApp(driver, false);
    await using _ = t;
    const before = await remaining(db);
    const refused = await wasap(['retention', '--yes'], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('RETENTION_ENABLED');
    const unasked = await wasap(['retention'], env);
    expect(unasked.code).toBe(2);
    expect(unasked.out).toContain('2 due now');
    expect(unasked.err).toContain('not erasing without confirmation');
    expect(unasked.err).toContain('--yes');
    // The admin API answers only an admin token (or the local admin credential).
    expect((await fetch(`${env.WASAP_URL}/api/admin/privacy/retention/run`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${env.WASAP_URL}/api/admin/privacy/retention`, { headers: { authorization: 'Bearer wsp_not_a_token' } })).status).toBe(401);
    const both = await wasap(['retention', '--dry-run', '--yes'], env);
    expect(both.code).toBe(2);
    expect(erased).toEqual([]);
    expect(await remaining(db)).toEqual(before);
    expect(await reports(db)).toEqual([]);
  });
});
