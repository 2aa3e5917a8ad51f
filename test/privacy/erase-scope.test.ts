/**
 * @module test/privacy/erase-scope.test — an erasure (Law 1581 Art. 15) clears the rows about her, never other people's:
 * the security review's case (her WhatsApp name "Mis Datos Right Channel", her first name "Valentina") leaves another
 * aspirant's request text, resolution and audit details, a recruiter's search for "Valentina" and an unrelated audit
 * entry as they were; her own request keeps its right, dates and status without its texts. Where another row quotes
 * her identifiers (her number, e-mail, full name) only those words are replaced by `[suprimido]`.
 */
import { describe, expect, test } from 'bun:test';
import { asc, eq, inArray } from 'drizzle-orm';
import { auditLog, dataSubjectRequests, readAudit, aspirants } from '../../server/db/schema';
import { insertUser } from '../../server/db/queries/users';
import { recordAudit } from '../../server/db/queries/audit';
import { eraseAspirant, erasureDeps } from '../../server/privacy/erase';
import { redact, subjectMatcher, type Subject } from '../../server/privacy/erase-scrub';
import { openRequest, resolve } from '../../server/privacy/requests';
import { testApp, type TestApp } from '../support/app';
import { inbound } from '../support/bot';
import { drivers } from '../support/db';
import { aspirantWhoWrote } from '../support/form';

const FIRST = '+573011110001';
const HER = '+573012220002';

async function say(t: TestApp, number: string, text: string, profileName: string) {
  await t.services.conversations.acceptInbound({ ...inbound(number, text), profileName });
  await t.services.conversations.registry.ask(number, () => null);
}

/** Two aspirants, the first with her request answered; the second (to be erased) with a name made of common words. */
async function world(t: TestApp) {
  const { db } = t.database;
  const boss = await insertUser(db, { email: 'boss@agency.co', name: 'Boss', role: 'admin', passwordHash: 'x', locale: 'es' });
  const first = await aspirantWhoWrote(t, FIRST, 'Ana Bystander');
  await say(t, FIRST, 'Quiero borrar mis datos por favor', 'Ana Bystander');
  const [request] = await db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.aspirantId, first.id));
  expect(request!.details).toBe('Quiero borrar mis datos por favor');
  await resolve(db, request!.id, { status: 'done', resolution: 'Borramos mis datos de Valentina el lunes', actor: { label: boss.email, userId: boss.id }, now: new Date() });
  await recordAudit(db, { actor: boss.email, actorUserId: boss.id, action: 'user.created', targetType: 'user', targetId: 99, details: { email: 'valentina.datos@agency.co', role: 'recruiter' } });
  await db.insert(readAudit).values([
    { actor: boss.email, userId: boss.id, action: 'search', details: { q: 'Valentina' } },
    { actor: boss.email, userId: boss.id, action: 'search', details: { q: 'mis datos' } },
  ]);
  const her = await aspirantWhoWrote(t, HER, 'Mis Datos Right Channel');
  await db.update(aspirants).set({ firstName: 'Valentina', lastName: 'Datos Lunes', email: 'vale.dl@example.co' }).where(eq(aspirants.id, her.id));
  await say(t, HER, 'Quiero borrar mis datos, soy Valentina Datos', 'Mis Datos Right Channel');
  const erase = () => eraseAspirant(erasureDeps(t.config, db, t.services), her.id, { actor: { label: boss.email, userId: boss.id }, reason: 'request' });
  return { boss, first, her, requestId: request!.id, erase };
}

const snapshot = async (t: TestApp, requestIds: number[]) => {
  const { db } = t.database;
  return {
    requests: await db.select().from(dataSubjectRequests).where(inArray(dataSubjectRequests.id, requestIds)),
    audit: await db.select().from(auditLog).orderBy(asc(auditLog.id)),
    reads: await db.select().from(readAudit).where(eq(readAudit.action, 'search')).orderBy(asc(readAudit.id)),
  };
};

describe.each(drivers)('erasure scope on %s', (driver) => {
  test("the review's case: another person's request, resolution and audit details survive; her own request keeps only its proof", async () => {
    await using t = await testApp(driver);
    const { db } = t.database;
    const w = await world(t);
    const [hers] = await db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.aspirantId, w.her.id));
    expect(hers!.details).toContain('Valentina Datos');
    const before = await snapshot(t, [w.requestId]);
    expect(before.audit.filter((a) => a.targetType === 'data_request' && a.targetId === String(w.requestId)).map((a) => a.action)).toEqual(['data_request.opened', 'data_request.resolved']);

    const report = await w.erase();
    expect(report.requestsCleared).toBe(1);

    const after = await snapshot(t, [w.requestId]);
    // Hers: the proof stays (right, dates, status), the texts go; every other row is as it was.
    const [kept] = await db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.id, hers!.id));
    expect(kept).toMatchObject({ aspirantId: null, right: hers!.right, status: hers!.status, dueOn: hers!.dueOn, receivedAt: hers!.receivedAt, details: null, resolution: null });
    expect(after.requests).toEqual(before.requests);
    expect(after.requests[0]).toMatchObject({ details: 'Quiero borrar mis datos por favor', resolution: 'Borramos mis datos de Valentina el lunes' });
    expect(after.reads).toEqual(before.reads);
    const herRequest = String(hers!.id);
    const others = (rows: typeof before.audit) => rows.filter((a) => !(a.targetType === 'data_request' && a.targetId === herRequest) && a.action !== 'aspirant.erased');
    expect(others(after.audit)).toEqual(others(before.audit));
    expect(after.audit.find((a) => a.action === 'user.created')!.details).toEqual({ email: 'valentina.datos@agency.co', role: 'recruiter' });
    // Her request's audit entries keep their enumerated fields (no text of hers was in them).
    const herOpened = after.audit.find((a) => a.targetType === 'data_request' && a.targetId === herRequest && a.action === 'data_request.opened');
    expect(herOpened!.details).toEqual({ right: 'erasure', channel: 'whatsapp' });
  });

  test('where another row quotes her number, e-mail or full name, only those words are replaced', async () => {
    await using t = await testApp(driver);
    const { db } = t.database;
    const w = await world(t);
    const [other] = await db
      .insert(dataSubjectRequests)
      .values({
        aspirantId: w.first.id,
        right: 'access',
        category: 'consultation',
        channel: 'recruiter',
        dueOn: '2026-12-20',
        details: 'Mi prima Valentina  Datos Lunes (tel. 301 222 0002) pide lo mismo; mis datos son otros',
      })
      .returning();
    const { row: opened } = await openRequest(db, {
      aspirantId: null,
      right: 'rectification',
      channel: 'recruiter',
      details: 'Escribe VALE.DL@example.co desde +573012220002, cuenta 15730122200029',
      receivedAt: new Date(),
    });
    await db.insert(readAudit).values([
      { actor: w.boss.email, userId: w.boss.id, action: 'search', details: { q: '3012220002' } },
      { actor: w.boss.email, userId: w.boss.id, action: 'search', details: { q: 'mis datos right channel' } },
    ]);
    await recordAudit(db, { actor: 'cli', action: 'templates.synced', targetType: 'templates', targetId: 'twilio', details: { note: 'aviso a vale.dl@example.co', count: 3 } });

    await w.erase();

    const rows = await db
      .select()
      .from(dataSubjectRequests)
      .where(inArray(dataSubjectRequests.id, [other!.id, opened.id, w.requestId]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(other!.id)!.details).toBe('Mi prima [suprimido] (tel. [suprimido]) pide lo mismo; mis datos son otros');
    // Inside a longer number her digits are not her number.
    expect(byId.get(opened.id)!.details).toBe('Escribe [suprimido] desde [suprimido], cuenta 15730122200029');
    expect(byId.get(w.requestId)).toMatchObject({ details: 'Quiero borrar mis datos por favor', resolution: 'Borramos mis datos de Valentina el lunes' });
    const searches = (await db.select().from(readAudit).where(eq(readAudit.action, 'search')).orderBy(asc(readAudit.id))).map((r) => r.details);
    // Her WhatsApp name is matched in searches only (in anyone's request it is anyone's words).
    expect(searches).toEqual([{ q: 'Valentina' }, { q: 'mis datos' }, { q: '[suprimido]' }, { q: '[suprimido]' }]);
    const [synced] = await db.select().from(auditLog).where(eq(auditLog.action, 'templates.synced'));
    expect(synced!.details).toEqual({ note: 'aviso a [suprimido]', count: 3 });
  });
});

describe('her matcher', () => {
  const subject: Subject = {
    id: 1,
    whatsappId: '+573012220002',
    phone: '+573012220002',
    bsuid: null,
    username: null,
    whatsappName: 'Valentina',
    firstName: 'María',
    lastName: 'Peña Ruiz',
    email: null,
    optedOut: false,
    guardians: [{ name: 'Rosa', phone: null, email: null, document: '52.111.222' }],
  };
  test('whole phrases of her full name, in any case; never one word alone, nor inside a longer word or number', () => {
    const records = subjectMatcher(subject);
    expect(redact('MARÍA PEÑA vino con María Peña Ruiz', records)).toBe('[suprimido] vino con [suprimido]');
    expect(redact('María Peñaloza, Mariana Peña, Valentina, Rosa y Ruiz', records)).toBe('María Peñaloza, Mariana Peña, Valentina, Rosa y Ruiz');
    expect(redact('cc 52111222, 52.111.222 o 5211122299; tel 57 301 222 0002', records)).toBe('cc [suprimido], [suprimido] o 5211122299; tel [suprimido]');
    // A one-word WhatsApp name is never matched, not even in searches.
    expect(redact('Valentina', subjectMatcher(subject, 'searches'))).toBe('Valentina');
  });
});
