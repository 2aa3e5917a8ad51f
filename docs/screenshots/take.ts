/**
 * @module docs/screenshots/take — regenerates the PNGs in docs/screenshots/: the real app in-process (PGlite in memory,
 * the WhatsApp simulator, port 0), a believable day at a Colombian agency seeded through the app's own paths, and
 * Chromium (playwright-core) shooting the inbox, a chat, the waiting list and the admin pages on a desktop, and the
 * list, a chat and the aspirant's details on a phone — once in Spanish and once in English.
 *
 *   npx bun docs/screenshots/take.ts            # every screenshot
 *   npx bun docs/screenshots/take.ts es-phone   # only those whose name contains "es-phone"
 *
 * Times are relative to now (the clock is pinned to the past while each scene is seeded), so the relative times on
 * screen ("hace 3 h") are the same on every run. Exits non-zero on any failure, and after 2 minutes at most.
 *
 * Emoji (the bot's messages, the list's pills) need a colour emoji font, else they show as boxes and the script
 * warns: install one (Debian: fonts-noto-color-emoji), or point WASAP_EXTRA_FONTS at a folder holding one
 * (NotoColorEmoji.ttf): the browser then gets it through its own fontconfig file, nothing is installed.
 */
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { contentFromMedia } from '../../actors/conversation/message-kinds';
import type { FormProfile } from '../../actors/conversation/types';
import { findAspirantByWhatsappId } from '../../server/db/queries/aspirants';
import { recordAudit } from '../../server/db/queries/audit';
import { rowsOf } from '../../server/db/rows';
import { aspirants, auditLog, cannedResponses, conversations, formSubmissions, media, messages, notes, users } from '../../server/db/schema';
import { addUser, setUserDisabled, setUserPreferences, type Actor } from '../../server/services/users';
import type { Simulator } from '../../server/whatsapp/simulator';
import { testApp, type TestApp } from '../../test/support/app';
import { browserAvailable, chromiumPath, launchBrowser } from '../../test/support/browser';
import { closeBase } from '../../test/support/db';
import { listen } from '../../test/support/listen';

const OUT = import.meta.dir;
const ONLY = process.argv[2];
const DEADLINE_MS = 120_000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const ZONE = 'America/Bogota';
const PASSWORD = 'una clave larga para las capturas';
const CLI: Actor = { label: 'cli' };
const MIN = 60_000;
const HOUR = 60 * MIN;

const ADMIN = { email: 'ana.gil@wasaptalent.co', name: 'Ana María Gil', role: 'admin' } as const;
const RECRUITER = { email: 'julian.ospina@wasaptalent.co', name: 'Julián Ospina', role: 'recruiter' } as const;
const FORMER = { email: 'laura.medina@wasaptalent.co', name: 'Laura Medina', role: 'recruiter' } as const;

/** The aspirants' WhatsApp numbers (Colombian mobiles) and the names their phones give. */
const VALENTINA = { number: '+573001234567', name: 'Valentina Gómez' };
const CAMILA = { number: '+573104567890', name: 'Camila R.' };
const SOFIA = { number: '+573157778899', name: 'Sofía Martínez' };
const DANIELA = { number: '+573186661234', name: 'Dani 🌸' };
const MARIANA = { number: '+573209990011', name: 'Mariana López' };
const JULIANA = { number: '+573012223344', name: 'Juliana Pérez' };
const EVERYONE = [VALENTINA, CAMILA, SOFIA, DANIELA, MARIANA, JULIANA];

// ---------------------------------------------------------------------------------------------------------------
// Fonts.

/** WASAP_EXTRA_FONTS added to the system's fonts for the browser (a fontconfig file of its own); warns when no emoji font is found. Returns the clean-up. */
function fonts(): () => void {
  const extra = process.env.WASAP_EXTRA_FONTS;
  let dir: string | undefined;
  if (extra) {
    dir = mkdtempSync(join(tmpdir(), 'wasap-fonts-'));
    const conf = `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>${Bun.escapeHTML(extra)}</dir><cachedir>${dir}/cache</cachedir></fontconfig>\n`;
    writeFileSync(join(dir, 'fonts.conf'), conf);
    process.env.FONTCONFIG_FILE = join(dir, 'fonts.conf');
  }
  try {
    const probe = Bun.spawnSync(['fc-list', ':charset=1f44b', 'family'], { env: process.env });
    if (probe.success && probe.stdout.toString().trim() === '')
      console.warn('no colour emoji font: emoji will show as boxes (install fonts-noto-color-emoji, or set WASAP_EXTRA_FONTS to a folder with one)');
  } catch {
    // No fc-list: nothing to tell.
  }
  return () => dir && rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------------
// The clock: real time, except while a scene is seeded, when it is pinned to the scene's moment in the past.

let pinned: number | undefined;
const clock = () => pinned ?? Date.now();
const T0 = Date.now();
const ago = (ms: number) => T0 - ms;

/** Tables whose rows the database dates itself (created_at default now()): a scene's new rows are re-dated to its moment. */
const DATED: PgTable[] = [users, aspirants, conversations, messages, media, notes, formSubmissions, auditLog, cannedResponses];

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

interface Seeder {
  t: TestApp;
  sim: Simulator;
}

async function lastIds(t: TestApp): Promise<number[]> {
  return Promise.all(
    DATED.map(async (table) => {
      const [row] = rowsOf<{ id: number | null }>(await t.database.db.execute(sql`select max(id)::int as id from ${table}`));
      return row?.id ?? 0;
    }),
  );
}

/** Every event handed to these numbers' actors so far is handled, and every message on its way has been delivered. */
async function settle(s: Seeder, keys: string[]): Promise<void> {
  for (const key of keys) await s.t.services.conversations.registry.ask(key, () => null);
  await until('the outbox to deliver', async () => {
    await s.sim.idle();
    const [row] = await s.t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(messages)
      .where(sql`${messages.sender} <> 'aspirant' and ${messages.status} in ('queued', 'sending', 'sent')`);
    return row?.n === 0;
  });
  for (const key of keys) await s.t.services.conversations.registry.ask(key, () => null);
}

/** Runs a scene at `when`: the app's clock says so, and the rows it creates are dated then (a second apart, in order). */
async function scene(s: Seeder, when: number, keys: string[], act: () => Promise<void>): Promise<void> {
  const before = await lastIds(s.t);
  pinned = when;
  try {
    await act();
    await settle(s, keys);
  } finally {
    pinned = undefined;
  }
  const at = new Date(when).toISOString();
  for (const [i, table] of DATED.entries()) {
    const set =
      table === messages
        ? sql`created_at = ${at}::timestamptz + (id - ${before[i]!}) * interval '1 second', updated_at = created_at`
        : sql`created_at = ${at}::timestamptz + (id - ${before[i]!}) * interval '1 second'`;
    await s.t.database.db.execute(sql`update ${table} set ${set} where id > ${before[i]!}`);
  }
}

let sids = 0;
function inbound(s: Seeder, who: { number: string; name: string }, body: string, photo?: Uint8Array) {
  const messageSid = `SM${(++sids).toString(16).padStart(32, '0')}`;
  const mediaItems = photo ? [{ url: s.sim.addMedia(photo, 'image/jpeg'), contentType: 'image/jpeg' }] : [];
  return s.t.services.conversations.acceptInbound({ messageSid, from: { phone: who.number }, body, profileName: who.name, media: mediaItems, content: contentFromMedia(mediaItems), raw: {} }, clock());
}

async function reply(s: Seeder, who: { number: string }, userId: number, body: string): Promise<void> {
  const result = await s.t.services.conversations.reply(who.number, { userId, body });
  if (!result.ok) throw new Error(`reply refused: ${result.message}`);
}

async function form(s: Seeder, who: { number: string }, profile: Omit<FormProfile, 'locale' | 'isAdult' | 'consent'>): Promise<void> {
  const aspirant = await findAspirantByWhatsappId(s.t.database.db, who.number);
  if (!aspirant) throw new Error(`no aspirant for ${who.number}`);
  await s.t.services.conversations.acceptForm(who.number, { aspirantId: aspirant.id, profile: { ...profile, locale: 'es', isAdult: true, consent: true }, source: 'hosted', submittedAt: clock() });
}

async function conversationOf(s: Seeder, who: { number: string }): Promise<number> {
  const [row] = await s.t.database.db
    .select({ id: conversations.id })
    .from(conversations)
    .innerJoin(aspirants, sql`${aspirants.id} = ${conversations.aspirantId}`)
    .where(sql`${aspirants.whatsappId} = ${who.number}`);
  if (!row) throw new Error(`no conversation for ${who.number}`);
  return row.id;
}

/** A small JPEG standing in for the aspirant's photo: drawn by the browser, so nothing binary lives in the repository. */
async function portrait(browser: Browser): Promise<Uint8Array> {
  const page = await browser.newPage({ viewport: { width: 360, height: 450 } });
  await page.setContent(`<body style="margin:0">
    <div style="position:relative;width:360px;height:450px;overflow:hidden;background:linear-gradient(160deg,#f6d6b8 0%,#e9a98b 45%,#8f5f7a 100%)">
      <div style="position:absolute;left:40px;top:30px;width:120px;height:120px;border-radius:50%;background:rgba(255,255,255,.35);filter:blur(8px)"></div>
      <div style="position:absolute;left:118px;top:78px;width:124px;height:150px;border-radius:50% 50% 46% 46%;background:#5a3a2e"></div>
      <div style="position:absolute;left:130px;top:96px;width:100px;height:124px;border-radius:50%;background:#c98d6a"></div>
      <div style="position:absolute;left:52px;top:250px;width:256px;height:260px;border-radius:48% 48% 0 0;background:#2f3e5c"></div>
      <div style="position:absolute;left:160px;top:210px;width:40px;height:56px;background:#c98d6a;border-radius:0 0 14px 14px"></div>
    </div></body>`);
  const bytes = await page.screenshot({ type: 'jpeg', quality: 80 });
  await page.close();
  return new Uint8Array(bytes);
}

/** The day so far, oldest first. Returns the ids the shots need. */
async function seed(t: TestApp, browser: Browser): Promise<{ adminId: number; valentina: number }> {
  const sim = t.services.simulator;
  if (!sim) throw new Error('the app did not start in simulator mode');
  const s: Seeder = { t, sim };
  const db = t.database.db;
  const photo = await portrait(browser);

  // The team, set up a few weeks ago.
  let ana = 0;
  let julian = 0;
  await scene(s, ago(21 * 24 * HOUR), [], async () => {
    ana = (await addUser(db, CLI, { ...ADMIN, password: PASSWORD, locale: 'es', timeZone: ZONE })).id;
  });
  await scene(s, ago(20 * 24 * HOUR), [], async () => {
    const by = { label: ADMIN.email, userId: ana };
    julian = (await addUser(db, by, { ...RECRUITER, password: PASSWORD, locale: 'es', timeZone: ZONE })).id;
    await addUser(db, by, { ...FORMER, password: PASSWORD, locale: 'es', timeZone: ZONE });
  });
  await scene(s, ago(20 * 24 * HOUR - 10 * MIN), [], async () => {
    for (const canned of [
      { title: 'Bienvenida y formulario', body: '¡Hola, {firstName}! Gracias por escribir a {agencyName}. Para empezar, llena este formulario corto: {formLink}' },
      {
        title: 'Citación a prueba de cámara',
        body: 'Hola, {firstName}: te esperamos el jueves a las 3:00 p. m. en nuestra sede de El Poblado (Cra. 43A #9-50, Medellín). Trae tu documento de identidad y ropa de colores neutros.',
      },
    ]) {
      const [row] = await db
        .insert(cannedResponses)
        .values({ ...canned, createdBy: ana })
        .returning({ id: cannedResponses.id });
      await recordAudit(db, { actor: ADMIN.email, actorUserId: ana, action: 'canned.created', targetType: 'canned_response', targetId: row!.id });
    }
  });
  await scene(s, ago(3 * 24 * HOUR), [], async () => {
    await setUserDisabled(db, { label: ADMIN.email, userId: ana }, FORMER.email, true);
  });

  // Camila wrote last night: the form is in, the photo promised; WhatsApp's 24-hour window closes within 2 hours.
  await scene(s, ago(22 * HOUR + 40 * MIN), [CAMILA.number], () => inbound(s, CAMILA, 'Buenas noches, vi su publicación en Instagram y me interesa 😊').then(() => undefined));
  await scene(s, ago(22 * HOUR + 31 * MIN), [CAMILA.number], () =>
    form(s, CAMILA, {
      firstName: 'Camila',
      lastName: 'Rodríguez Arango',
      email: 'camilara@example.co',
      location: 'Cali, Valle del Cauca',
      preferredModelingTypes: ['Commercial', 'Fitness'],
      hasKids: true,
      preferredShift: 'evening',
      unavailableShifts: ['morning'],
      notes: 'Tengo una hija de 4 años. Disponible fines de semana.',
    }),
  );
  await scene(s, ago(22 * HOUR + 20 * MIN), [CAMILA.number], () => inbound(s, CAMILA, 'Listo, mañana les mando la foto con buena luz').then(() => undefined));

  // Sofía talked to Ana this morning; she answered and asked again three hours ago, and is still waiting.
  await scene(s, ago(6 * HOUR), [SOFIA.number], () => inbound(s, SOFIA, 'Hola, ¿todavía están buscando modelos para el evento de Bogotá?').then(() => undefined));
  await scene(s, ago(5 * HOUR + 42 * MIN), [SOFIA.number], () =>
    reply(s, SOFIA, ana, 'Hola, Sofía. Sí, es el lanzamiento de una marca de ropa en Usaquén, el sábado 14. ¿Me confirmas tu estatura y tu talla?'),
  );
  await scene(s, ago(3 * HOUR + 10 * MIN), [SOFIA.number], () => inbound(s, SOFIA, 'Mido 1,68 y soy talla S.').then(() => undefined));
  await scene(s, ago(3 * HOUR + 9 * MIN), [SOFIA.number], () => inbound(s, SOFIA, '¿El evento es pago? ¿A qué hora sería?').then(() => undefined));

  // Valentina: the whole intake with the bot (form, photo, hand-off), then Ana takes her, answers, and leaves a note.
  await scene(s, ago(3 * HOUR), [VALENTINA.number], () => inbound(s, VALENTINA, 'Hola, buenas tardes. Quiero ser modelo, ¿cómo hago?').then(() => undefined));
  await scene(s, ago(2 * HOUR + 48 * MIN), [VALENTINA.number], () =>
    form(s, VALENTINA, {
      firstName: 'Valentina',
      lastName: 'Gómez Restrepo',
      email: 'vale.gomez@example.co',
      location: 'Medellín, Antioquia',
      preferredModelingTypes: ['Runway', 'Commercial'],
      hasKids: false,
      preferredShift: 'afternoon',
      unavailableShifts: ['morning'],
      notes: 'Mido 1,75 m. Tengo book de fotos y experiencia en pasarela universitaria.',
    }),
  );
  await scene(s, ago(2 * HOUR + 45 * MIN), [VALENTINA.number], () => inbound(s, VALENTINA, 'Aquí va mi foto', photo).then(() => undefined));
  await until('the photo to be stored', async () => {
    const rows = await db.select({ state: media.state }).from(media);
    return rows.length > 0 && rows.every((row) => row.state === 'stored');
  });

  // Mariana, in Barranquilla: Julián took her conversation and answered; she wrote back.
  await scene(s, ago(1 * HOUR + 30 * MIN), [MARIANA.number], () => inbound(s, MARIANA, 'Buenas tardes, soy de Barranquilla. ¿Tienen trabajos allá?').then(() => undefined));
  await scene(s, ago(1 * HOUR + 21 * MIN), [MARIANA.number], () => t.services.conversations.assign(MARIANA.number, julian, julian));
  await scene(s, ago(1 * HOUR + 20 * MIN), [MARIANA.number], () =>
    reply(s, MARIANA, julian, '¡Hola, Mariana! Sí, tenemos clientes en Barranquilla y Cartagena. Llena el formulario que te mandamos y te cuento de la campaña de junio.'),
  );
  await scene(s, ago(40 * MIN), [MARIANA.number], () => inbound(s, MARIANA, 'Perfecto, ya mismo lo lleno. ¡Gracias!').then(() => undefined));

  await scene(s, ago(52 * MIN), [VALENTINA.number], () => t.services.conversations.assign(VALENTINA.number, ana, ana));
  await scene(s, ago(50 * MIN), [VALENTINA.number], () =>
    reply(s, VALENTINA, ana, '¡Hola, Valentina! Soy Ana, de Wasap Talent. Tu perfil nos encantó. ¿Puedes venir el jueves a las 3:00 p. m. a una prueba de cámara en El Poblado?'),
  );
  await scene(s, ago(46 * MIN), [VALENTINA.number], async () => {
    const [sent] = await db
      .select({ sid: messages.providerSid })
      .from(messages)
      .where(sql`${messages.sender} = 'recruiter' and ${messages.body} like '¡Hola, Valentina!%'`);
    if (!sent?.sid) throw new Error('the reply to Valentina has no provider sid');
    await t.services.conversations.acceptStatus({ messageSid: sent.sid, recipient: { phone: VALENTINA.number }, status: 'read' });
  });
  await scene(s, ago(45 * MIN), [VALENTINA.number], () =>
    t.services.conversations.addNote(VALENTINA.number, ana, 'Perfil ideal para la campaña de ropa deportiva. Confirmar estatura (dice 1,75 m) en la prueba del jueves.'),
  );

  // Daniela: the bot is handling her (form link sent, a question answered from the FAQ).
  await scene(s, ago(25 * MIN), [DANIELA.number], () => inbound(s, DANIELA, '¡Hola! Quiero información para ser modelo').then(() => undefined));
  await scene(s, ago(20 * MIN), [DANIELA.number], () => inbound(s, DANIELA, '¿Es seguro? Mi mamá pregunta').then(() => undefined));

  await scene(s, ago(12 * MIN), [VALENTINA.number], () => inbound(s, VALENTINA, '¡Claro que sí! ¿Qué debo llevar?').then(() => undefined));

  // Juliana just wrote.
  await scene(s, ago(3 * MIN), [JULIANA.number], () => inbound(s, JULIANA, 'Hola, mi prima me pasó este número. ¿Cómo funciona?').then(() => undefined));

  return { adminId: ana, valentina: await conversationOf(s, VALENTINA) };
}

// ---------------------------------------------------------------------------------------------------------------
// The shots.

const taken: { name: string; bytes: number }[] = [];

/** Counts the page's /live connections (htmx's event), so a shot waits for the page to be live. */
function countConnections() {
  Object.assign(window, { liveConnections: 0 });
  document.addEventListener('htmx:ws:after:connection', () => ((window as unknown as { liveConnections: number }).liveConnections += 1));
}

async function ready(page: Page, lang: string): Promise<void> {
  if (new URL(page.url()).pathname === '/login') throw new Error(`${page.url()}: not signed in`);
  await page
    .waitForFunction((want) => document.documentElement.lang === want, lang, { timeout: 10_000 })
    .catch(async () => {
      throw new Error(`${page.url()}: the page is in "${await page.evaluate(() => document.documentElement.lang)}", not "${lang}"`);
    });
  // Every image on the page loaded (lazy ones too), and web fonts settled.
  await page.evaluate(() => document.querySelectorAll('img[loading="lazy"]').forEach((img) => img.setAttribute('loading', 'eager')));
  await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete && img.naturalWidth > 0));
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

async function shoot(page: Page, name: string, path: string, lang: string, waitFor: (page: Page) => Promise<unknown>): Promise<void> {
  if (ONLY && !name.includes(ONLY)) return;
  await page.goto(path);
  await waitFor(page);
  await ready(page, lang);
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'initial' });
  taken.push({ name, bytes: statSync(file).size });
}

/** The list shows exactly `n` rows. */
const rows = (n: number) => (page: Page) => page.waitForFunction((want) => document.querySelectorAll('#conv-list > li.conv-row').length === want, n);

/** The conversation, its bubbles, its panel, and the page live (its /live socket connected). */
const chat = (id: number) => async (page: Page) => {
  await page.locator(`#chat-log-${id} li.msg`).first().waitFor();
  await page.locator(`#aspirant-${id}`).waitFor({ state: 'attached' });
  await page.waitForFunction(() => (window as unknown as { liveConnections: number }).liveConnections >= 1);
};

const text = (words: string) => (page: Page) => page.getByText(words).first().waitFor();

async function signIn(context: BrowserContext, url: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.locator('input[name="email"]').fill(ADMIN.email);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await Promise.all([page.waitForURL(/\/inbox$/), page.locator('form button[type="submit"]').first().click()]);
  await page.close();
}

async function main(): Promise<void> {
  if (!browserAvailable) throw new Error(`no Chromium at ${chromiumPath} (set WASAP_CHROMIUM)`);
  await using t = await testApp('pglite', { overrides: { now: clock, timerPollMs: 0 } });
  await using server = listen(t);
  await using browser = await launchBrowser();
  const { adminId, valentina } = await seed(t, browser);
  // The same unread counts on every list shot (opening a chat reads it).
  const unread = await t.database.db.select({ id: conversations.id, n: conversations.unreadCount }).from(conversations);
  const restoreUnread = async () => {
    for (const row of unread)
      await t.database.db
        .update(conversations)
        .set({ unreadCount: row.n })
        .where(sql`${conversations.id} = ${row.id}`);
  };
  console.log(`seeded ${EVERYONE.length} aspirants in ${Math.round(performance.now())} ms`);

  const base = { timezoneId: ZONE, colorScheme: 'light', reducedMotion: 'reduce', deviceScaleFactor: 1 } as const;
  for (const lang of ['es', 'en'] as const) {
    // She reads Spanish from the start; for the English shots she switches, herself (the audit log shows it).
    if (lang !== 'es') await setUserPreferences(t.database.db, { label: ADMIN.email, userId: adminId }, ADMIN.email, { locale: lang });
    await restoreUnread();
    const locale = lang === 'es' ? 'es-CO' : 'en-US';
    const desktop = await browser.newContext({ ...base, locale, viewport: DESKTOP, baseURL: server.url });
    await desktop.addInitScript(countConnections);
    await signIn(desktop, server.url);
    const phone = await browser.newContext({ ...base, locale, viewport: PHONE, isMobile: true, hasTouch: true, baseURL: server.url, storageState: await desktop.storageState() });
    await phone.addInitScript(countConnections);

    const d = await desktop.newPage();
    await shoot(d, `${lang}-desktop-inbox`, '/inbox', lang, rows(EVERYONE.length));
    await shoot(d, `${lang}-desktop-waiting`, '/inbox?status=waiting', lang, rows(3));
    await shoot(d, `${lang}-desktop-chat`, `/inbox/${valentina}`, lang, chat(valentina));
    await shoot(d, `${lang}-desktop-admin-users`, '/admin/users', lang, text(FORMER.name));
    await shoot(d, `${lang}-desktop-admin-canned`, '/admin/canned', lang, text('Citación a prueba de cámara'));
    await shoot(d, `${lang}-desktop-admin-audit`, '/admin/audit', lang, text(RECRUITER.email));

    const p = await phone.newPage();
    await restoreUnread();
    await shoot(p, `${lang}-phone-inbox`, '/inbox', lang, rows(EVERYONE.length));
    await shoot(p, `${lang}-phone-chat`, `/inbox/${valentina}`, lang, chat(valentina));
    await shoot(p, `${lang}-phone-details`, `/inbox/${valentina}#details`, lang, async (page) => {
      await chat(valentina)(page);
      await page.locator('#details').waitFor({ state: 'visible' });
      // As tall as the details are (notes and history included), within reason.
      const height = await page.locator('#details').evaluate((pane) => pane.scrollHeight);
      await page.setViewportSize({ width: PHONE.width, height: Math.min(Math.max(height, PHONE.height), 2400) });
    });
    await phone.close();
    await desktop.close();
  }
}

const deadline = setTimeout(() => {
  console.error(`docs/screenshots/take: gave up after ${DEADLINE_MS / 1000} s`);
  process.exit(1);
}, DEADLINE_MS);

const cleanFonts = fonts();
try {
  await main();
  if (taken.length === 0) throw new Error(`no screenshot name contains "${ONLY}"`);
  for (const shot of taken) console.log(`${shot.name}.png  ${Math.round(shot.bytes / 1024)} KB`);
  console.log(`${taken.length} screenshots in ${(performance.now() / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  clearTimeout(deadline);
  cleanFonts();
  await closeBase();
}
