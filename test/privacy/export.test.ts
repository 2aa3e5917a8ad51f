/**
 * @module test/privacy/export.test — her export (Law 1581 Art. 8): the archive from the admin page and from `wasap
 * aspirant export` is opened and compared with the database — every message of every kind with its status, every
 * stored file byte for byte, her profile, form, consents, guardian, note, request, audit and reads — and the export is
 * recorded as a read and in the audit log. The panel links admins (only) to her data page.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq, inArray } from 'drizzle-orm';
import { unzipSync, strFromU8 } from 'fflate';
import { auditLog, consents, media, readAudit } from '../../server/db/schema';
import { wasap } from '../support/cli';
import { drivers } from '../support/db';
import { listen } from '../support/listen';
import { tempDir } from '../support/temp';
import { buildWorld, messagesOf, PNG, type World } from './erase-world';

const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

interface Archive {
  data: {
    format: string;
    aspirant: { id: number; email: string; firstName: string };
    conversations: { id: number; messages: { id: number; kind: string; status: string; body: string; media: { id: number; file: string | null; checksum: string }[] }[]; notes: { body: string }[] }[];
    formSubmissions: unknown[];
    consents: unknown[];
    guardians: { name: string }[];
    dataSubjectRequests: { details: string }[];
    audit: { action: string }[];
    reads: { action: string }[];
    missingFiles: string[];
  };
  files: Record<string, Uint8Array>;
}

function open(bytes: Uint8Array): Archive {
  const entries = unzipSync(bytes);
  const { 'data.json': json, ...files } = entries;
  return { data: JSON.parse(strFromU8(json!)), files };
}

/** The archive holds every message of hers with its kind and status, and every stored file as stored. */
async function expectComplete(w: World, archive: Archive) {
  const { db } = w.t.database;
  const { data, files } = archive;
  expect(data.format).toBe('wasap-export/1');
  expect(data.aspirant).toMatchObject({ id: w.aspirantId, firstName: 'Xiomara', email: 'xiomara.qz@example.co' });
  const rows = await messagesOf(db, w.conversationId);
  const exported = data.conversations.flatMap((c) => c.messages);
  expect(exported.map((m) => [m.id, m.kind, m.status, m.body])).toEqual(rows.map((m) => [m.id, m.kind, m.status, m.body]));
  expect(new Set(exported.map((m) => m.kind)).size).toBeGreaterThan(8);
  const stored = await db
    .select()
    .from(media)
    .where(
      inArray(
        media.messageId,
        rows.map((m) => m.id),
      ),
    )
    .orderBy(asc(media.id));
  const storedFiles = stored.filter((m) => m.state === 'stored');
  expect(storedFiles).toHaveLength(3);
  expect(Object.keys(files).sort()).toEqual(exported.flatMap((m) => m.media.map((f) => f.file).filter((f): f is string => f !== null)).sort());
  for (const file of storedFiles) {
    const entry = exported.flatMap((m) => m.media).find((f) => f.id === file.id)!;
    const bytes = files[entry.file!]!;
    expect(new Bun.CryptoHasher('sha256').update(bytes).digest('hex')).toBe(file.checksum!);
  }
  expect(Object.values(files).some((bytes) => Buffer.from(bytes).equals(Buffer.from(PNG)))).toBe(true);
  expect(data.missingFiles).toEqual([]);
  expect(data.conversations[0]!.notes.map((n) => n.body)).toEqual(['Xiomara trae book el lunes']);
  // Her ledger: the rows her form wrote and those recorded by hand in the world, every one of them.
  const ledger = await db.select({ id: consents.id }).from(consents).where(eq(consents.aspirantId, w.aspirantId));
  expect(ledger.length).toBeGreaterThan(2);
  expect([data.formSubmissions.length, data.consents.length, data.guardians.map((g) => g.name)]).toEqual([1, ledger.length, ['Yolanda Zuluaga']]);
  expect(data.dataSubjectRequests.map((r) => r.details)).toEqual(['Soy Xiomara Quintero, ¿qué datos tienen?']);
  expect(data.audit.map((a) => a.action)).toContain('data_request.opened');
  expect(data.reads.map((r) => r.action)).toContain('conversation.opened');
}

describe.each(drivers)('export on %s', (driver) => {
  test('from the admin page and the CLI: every message and file, compared with the database; recorded as a read and audited', async () => {
    await using w = await buildWorld(driver);
    const { db } = w.t.database;
    const path = `/admin/privacy/aspirants/${w.aspirantId}`;
    // The page: counts, the two forms; recruiters are refused; no CSRF token, no export.
    const page = await (await w.t.request(path, { headers: { cookie: w.admin.cookie, accept: 'text/html' } })).text();
    expect(page).toContain(`action="${path}/export"`);
    expect(page).toContain(`action="${path}/erase"`);
    expect((await w.t.request(path, { headers: { cookie: w.recruiter.cookie, accept: 'text/html' } })).status).toBe(403);
    expect((await w.t.request(`${path}/export`, { method: 'POST', headers: { ...FORM, cookie: w.admin.cookie }, body: '' })).status).toBe(403);
    const response = await w.t.request(`${path}/export`, { method: 'POST', headers: { ...FORM, cookie: w.admin.cookie }, body: new URLSearchParams({ _csrf: w.admin.csrf }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="wasap-aspirant-${w.aspirantId}-\\d{8}\\.zip"$`));
    await expectComplete(w, open(new Uint8Array(await response.arrayBuffer())));

    // The CLI, through the running server's admin API, by her number.
    await using server = listen(w.t);
    using dir = tempDir('wasap-export-');
    const out = join(dir.path, 'her.zip');
    const cli = await wasap(['aspirant', 'export', '3019998877', '--out', out], { WASAP_URL: server.url, WASAP_API_TOKEN: w.token, WASAP_DATA_DIR: dir.path });
    expect(cli).toMatchObject({ code: 0, err: '' });
    expect(cli.out).toContain(`aspirant ${w.aspirantId}`);
    await expectComplete(w, open(readFileSync(out)));
    const unknown = await wasap(['aspirant', 'export', '+573000000000', '--out', out], { WASAP_URL: server.url, WASAP_API_TOKEN: w.token, WASAP_DATA_DIR: dir.path });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('An aspirant with that number does not exist');

    // Two exports: two reads and two audit entries, counts only.
    const reads = await db.select({ actor: readAudit.actor, aspirantId: readAudit.aspirantId }).from(readAudit).where(eq(readAudit.action, 'aspirant.exported')).orderBy(asc(readAudit.id));
    expect(reads).toEqual([
      { actor: 'boss@agency.co', aspirantId: w.aspirantId },
      { actor: 'token:laptop', aspirantId: w.aspirantId },
    ]);
    const audits = await db.select().from(auditLog).where(eq(auditLog.action, 'aspirant.exported'));
    expect(audits.map((a) => [a.actor, a.targetId, Object.keys(a.details as object).sort()])).toEqual([
      ['boss@agency.co', String(w.aspirantId), ['conversations', 'files', 'messages']],
      ['token:laptop', String(w.aspirantId), ['conversations', 'files', 'messages']],
    ]);

    // The panel's section: a link for admins, nothing for recruiters.
    const section = (who: World['admin']) => w.t.request(`/privacy/conversations/${w.conversationId}/erasure`, { headers: { cookie: who.cookie, accept: 'text/html' } }).then((r) => r.text());
    expect(await section(w.admin)).toContain(`href="/admin/privacy/aspirants/${w.aspirantId}"`);
    expect(await section(w.recruiter)).toBe('');
  });
});
