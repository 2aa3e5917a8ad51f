/**
 * @module test/message-kinds-render.test — what a recruiter sees of each kind, posted as signed Twilio webhooks: the
 * bubble pushed as it arrives and the full page once its files are stored (players, a CV to download, a sticker, a
 * place, a contact card, a tapped button, a quote, a reaction on its message, notes), the ad in the panel, the list
 * preview; and /media with byte ranges, as attachments under their name, only to those who may see the conversation.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { conversations, messages } from '../server/db/schema';
import { testApp } from './support/app';
import { drivers, type Driver } from './support/db';
import { startFakeTwilio } from './support/fake-twilio';
import { postEveryKind, storeFile, VCARD, wav } from './support/kind-media';
import { person } from './support/live';
import { twilioEnv } from './support/twilio-env';
import { QUOTED_SID, type KindName } from './support/twilio-kinds';

const PHONE = '+573015550202';

/** What each kind's bubble says, pushed as it arrives (its files still downloading) and on the page (files stored or failed). */
const SHOWN: Record<Exclude<KindName, 'reaction'>, { pushed: string[]; page: string[] }> = {
  text: { pushed: ['<p class="msg-body">Hola, quiero ser modelo</p>'], page: ['<p class="msg-body">Hola, quiero ser modelo</p>'] },
  photo: { pushed: ['Foto: descargando…'], page: ['Foto no disponible', '<p class="msg-body">Esta es mi foto de cuerpo entero</p>'] },
  sticker: { pushed: ['Sticker: descargando…'], page: ['<a class="media media-sticker"', 'alt="Sticker recibido por WhatsApp"'] },
  voiceNote: { pushed: ['Nota de voz: descargando…'], page: ['<audio class="media media-audio" controls="" preload="metadata" src="/media/', 'aria-label="Nota de voz"'] },
  audioFile: { pushed: ['Audio: descargando…'], page: ['Audio no disponible', 'Reintentar la descarga'] },
  video: { pushed: ['Video: descargando…', 'mi pasarela'], page: ['<video class="media media-video" controls src="/media/', '<p class="msg-body">mi pasarela</p>'] },
  cvDocx: { pushed: ['Documento: descargando…'], page: ['<span class="media-name">Hoja de vida Valentina.docx</span><span class="muted">2 KB</span>'] },
  documentWithCaption: { pushed: ['Te envío mi hoja de vida'], page: ['Documento no disponible', 'Te envío mi hoja de vida'] },
  location: {
    pushed: ['href="https://www.openstreetmap.org/?mlat=6.2442034&mlon=-75.5812119#map=17/6.2442034/-75.5812119"', '<span>Casa</span>'],
    page: ['<span>Casa</span></a><span class="muted">Cl. 10 #43-12, El Poblado, Medellín</span>'],
  },
  pin: { pushed: ['<span>25.018766403198, -77.395950317383</span>'], page: ['mlat=25.018766403198&mlon=-77.395950317383'] },
  contact: {
    pushed: ['Contacto: descargando…'],
    page: ['<span>Ana Gómez</span>', '<a href="tel:+573001112233" title="Llamar al +57 300 1112233">+57 300 1112233</a>', 'data-copy="+573001112233"', 'Copiar número'],
  },
  templateButton: {
    pushed: ['title="Código del botón: interest_yes"><span class="msg-choice-kind">Tocó el botón</span> <span>Sí, me interesa</span>'],
    page: ['<span class="msg-quote-from">Aspirante</span><span class="msg-quote-text">Hola</span>'],
  },
  quickReplyEmptyBody: { pushed: ['title="Código del botón: {verify:ok}"', '<span>Confirmar</span>'], page: ['<span>Confirmar</span>'] },
  listReply: { pushed: ['Eligió de la lista</span> <span>Mañana</span><span class="muted msg-choice-description">8 a. m. – 12 m.</span>'], page: ['title="Código del botón: shift_morning"'] },
  quotedReply: {
    pushed: [
      '<blockquote class="msg-quote"><span class="visually-hidden">En respuesta a</span><span class="msg-quote-from">Aspirante</span><span class="msg-quote-text">Hola</span></blockquote><p class="msg-body">Nice</p>',
    ],
    page: ['<span class="msg-quote-text">Hola</span></blockquote><p class="msg-body">Nice</p>'],
  },
  fromAnAd: { pushed: ['Hola, vi el anuncio del casting'], page: ['Hola, vi el anuncio del casting'] },
  forwarded: { pushed: ['Mira esta convocatoria'], page: ['Mira esta convocatoria'] },
  unsupported: { pushed: ['<p class="msg-note">WhatsApp envió un mensaje que Wasap aún no muestra (unsupported).</p>'], page: ['aún no muestra (unsupported)'] },
  unknownType: { pushed: ['aún no muestra (poll).</p><p class="msg-body">¿Cuál horario?</p>'], page: ['aún no muestra (poll).</p><p class="msg-body">¿Cuál horario?</p>'] },
  brokenPin: { pushed: ['aún no muestra (location).'], page: ['aún no muestra (location).'] },
};

/** The bubble `<li id="msg-<id>" …>…</li>` in a page or a fragment (bubbles do not nest). */
function bubbleOf(html: string, id: number): string | undefined {
  const start = html.indexOf(`<li id="msg-${id}"`);
  return start < 0 ? undefined : html.slice(start, html.indexOf('</li>', start) + 5);
}

async function setup(driver: Driver) {
  const fake = startFakeTwilio();
  const t = await testApp(driver, { env: twilioEnv(fake), overrides: { bot: false, mediaRetryDelaysMs: [0, 0] } });
  // Heard pushes, and who waits for one (the push follows the commit).
  const frames: string[] = [];
  const waiting = new Set<{ match: (data: string) => boolean; resolve: (data: string) => void }>();
  const stop = t.services.hub.listen((_topic, data) => {
    frames.push(data);
    for (const w of waiting) if (w.match(data)) (waiting.delete(w), w.resolve(data));
  });
  return {
    fake,
    t,
    // A media URL of the fake Twilio that answers 404 at once: files stay unavailable until the test stores them.
    mediaUrl: `${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM${'0'.repeat(32)}/Media/ME${'0'.repeat(32)}`,
    heard(match: (data: string) => boolean): Promise<string> {
      const found = frames.find(match);
      if (found) return Promise.resolve(found);
      const { promise, resolve } = Promise.withResolvers<string>();
      waiting.add({ match, resolve });
      return promise;
    },
    async idOf(sid: string) {
      const [row] = await t.database.db.select({ id: messages.id }).from(messages).where(eq(messages.providerSid, sid));
      return row!.id;
    },
    async [Symbol.asyncDispose]() {
      stop();
      await t[Symbol.asyncDispose]();
      await fake.stop();
    },
  };
}

describe.each(drivers)('each kind as the recruiter sees it, on %s', (driver) => {
  test('pushed as it arrives and on the page once stored: every kind as a person expects, the reaction on its message, the ad in the panel', async () => {
    await using s = await setup(driver);
    const boss = await person(s.t, 'Boss', 'admin');
    const sids = await postEveryKind(s.t, s.fake, PHONE, s.mediaUrl);
    await s.t.services.media.idle();
    await s.t.services.conversations.registry.ask(PHONE, () => null);
    await storeFile(s.t, sids.sticker, new Uint8Array(64), 'image/webp');
    await storeFile(s.t, sids.voiceNote, wav(), 'audio/wav');
    await storeFile(s.t, sids.video, new Uint8Array(512), 'video/mp4');
    await storeFile(s.t, sids.cvDocx, new Uint8Array(2048), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    await storeFile(s.t, sids.contact, new TextEncoder().encode(VCARD), 'text/vcard');

    const [conversation] = await s.t.database.db.select({ id: conversations.id }).from(conversations);
    const page = await (await s.t.request(`/inbox/${conversation!.id}`, { headers: { cookie: boss.cookie, accept: 'text/html' } })).text();
    for (const [name, shown] of Object.entries(SHOWN) as [keyof typeof SHOWN, (typeof SHOWN)[keyof typeof SHOWN]][]) {
      const id = await s.idOf(sids[name]);
      const pushed = bubbleOf(await s.heard((data) => data.includes(`<li id="msg-${id}"`)), id);
      for (const text of shown.pushed) expect({ name, pushed: pushed?.includes(text) ? text : pushed }).toEqual({ name, pushed: text });
      const onPage = bubbleOf(page, id);
      for (const text of shown.page) expect({ name, page: onPage?.includes(text), text }).toEqual({ name, page: true, text });
    }
    // The reaction is no bubble: it sits on the message it reacts to, on the page and in the push that replaced it.
    const reactionId = await s.idOf(sids.reaction);
    const quotedId = await s.idOf(QUOTED_SID);
    expect(page).not.toContain(`id="msg-${reactionId}"`);
    const reacted = '<span class="msg-reactions"><span aria-hidden="true">👍</span><span class="visually-hidden">Reacciones: 👍</span></span>';
    expect(bubbleOf(page, quotedId)).toContain(reacted);
    const replaced = await s.heard((data) => data.includes(`<li id="msg-${quotedId}"`) && data.includes('msg-reactions'));
    expect(replaced).toContain(`<li id="msg-${quotedId}" class="msg from-aspirant" hx-swap-oob="true">`);
    expect(replaced).not.toContain(`msg-${reactionId}`);
    // The ad that brought her, in the panel, with its https link; the list previews the last message in her words.
    expect(page).toContain(
      '<p class="referral"><span>Llegó por el anuncio «Casting comercial en Medellín»</span> <a href="https://fb.me/3cr4Wqqkv" target="_blank" rel="noopener noreferrer">Ver el anuncio</a></p>',
    );
    expect(page).toContain('❔ Mensaje no compatible');
  });

  test('/media: players inline with byte ranges (206, 416), a CV as an attachment under its name, never to a recruiter who may not see it', async () => {
    await using s = await setup(driver);
    const [boss, rita, sofi] = [await person(s.t, 'Boss', 'admin'), await person(s.t, 'Rita', 'recruiter'), await person(s.t, 'Sofi', 'recruiter')];
    const sids = await postEveryKind(s.t, s.fake, PHONE, s.mediaUrl);
    await s.t.services.media.idle();
    // The files' failures reach the actor after the worker is idle: committed before the test stores the files.
    await s.t.services.conversations.registry.ask(PHONE, () => null);
    const voice = wav();
    const voiceId = await storeFile(s.t, sids.voiceNote, voice, 'audio/wav');
    const cvId = await storeFile(s.t, sids.cvDocx, new Uint8Array(2048).fill(7), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const svgId = await storeFile(s.t, sids.sticker, new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml');
    await s.t.services.conversations.assign(PHONE, boss.id, rita.id);
    const get = (who: typeof boss, id: number, range?: string) => s.t.request(`/media/${id}`, { headers: { cookie: who.cookie, ...(range ? { range } : {}) } });

    const whole = await get(rita, voiceId);
    expect([whole.status, whole.headers.get('content-type'), whole.headers.get('accept-ranges'), whole.headers.get('content-disposition')]).toEqual([200, 'audio/wav', 'bytes', 'inline']);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(voice);
    const part = await get(rita, voiceId, 'bytes=0-99');
    expect([part.status, part.headers.get('content-range')]).toEqual([206, `bytes 0-99/${voice.byteLength}`]);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(voice.subarray(0, 100));
    const tail = await get(rita, voiceId, 'bytes=-10');
    expect([tail.status, tail.headers.get('content-range')]).toEqual([206, `bytes ${voice.byteLength - 10}-${voice.byteLength - 1}/${voice.byteLength}`]);
    const beyond = await get(rita, voiceId, `bytes=${voice.byteLength}-`);
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, `bytes */${voice.byteLength}`]);

    const cv = await get(rita, cvId);
    expect([cv.status, cv.headers.get('content-disposition'), cv.headers.get('x-content-type-options')]).toEqual([
      200,
      `attachment; filename="Hoja de vida Valentina.docx"; filename*=UTF-8''Hoja%20de%20vida%20Valentina.docx`,
      'nosniff',
    ]);
    const svg = await get(rita, svgId);
    expect([svg.headers.get('content-disposition'), svg.headers.get('x-content-type-options')]).toEqual([`attachment; filename="media-${svgId}"; filename*=UTF-8''media-${svgId}`, 'nosniff']);

    // Another recruiter cannot fetch it, whole or in part.
    expect([(await get(sofi, voiceId)).status, (await get(sofi, voiceId, 'bytes=0-9')).status, (await get(sofi, cvId)).status]).toEqual([404, 404, 404]);
  });
});
