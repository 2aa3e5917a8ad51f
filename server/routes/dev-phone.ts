/**
 * @module server/routes/dev-phone — the simulator's phone page (simulator mode only): it feeds the webhook's own path.
 * She is played by number, or by username (a WhatsApp user who hides her number: her messages carry her simulated
 * BSUID and username, no number), or by both (the same user later writing with her number too).
 */
import { Elysia, t } from 'elysia';
import type { Db } from '../db/client';
import { findAspirantByIdentity } from '../db/queries/aspirants';
import { threadForNumber } from '../db/queries/messages';
import { BadRequestError } from '../errors';
import type { ConversationSystem } from '../conversations/system';
import { parseInboundWebhook, type InboundMessage } from '../whatsapp/inbound-parse';
import { MAX_TEXT_CHARACTERS } from '../whatsapp/webhook-fields';
import { isE164 } from '../whatsapp/phone';
import type { WhatsAppIdentity } from '../whatsapp/port';
import { phoneTopic, SIM_ACCOUNT_SID, SIM_NUMBER, simulatedBsuid, type Simulator } from '../whatsapp/simulator';
import { PhoneBubble, PhonePage, type PhoneMessage } from '../../views/dev/phone';
import { htmlResponse } from './html';

export interface DevPhoneDeps {
  db: Db;
  simulator: Simulator;
  conversations: ConversationSystem;
  mediaMaxBytes: number;
}

/** A WhatsApp username as the phone takes it: letters, digits, `.` and `_`, an optional `@` before them. */
const USERNAME = /^@?([A-Za-z0-9._]{1,35})$/;

/** Who the phone plays: her number and/or username (at least one), checked; undefined when neither is given. */
function identityOf(input: { number?: string; username?: string }): WhatsAppIdentity | undefined {
  const number = input.number?.trim() || undefined;
  const username = input.username?.trim() || undefined;
  if (number && !isE164(number)) throw new BadRequestError('number: use E.164, a + and 8 to 15 digits, e.g. +573001234567.', 'number');
  const handle = username ? USERNAME.exec(username)?.[1] : undefined;
  if (username && !handle) throw new BadRequestError('username: use letters, digits, dots and underscores, e.g. vale.gomez.', 'username');
  if (!number && !handle) return undefined;
  return { ...(number ? { phone: number } : {}), ...(handle ? { bsuid: simulatedBsuid(handle), username: handle } : {}) };
}

/** The addresses a send to her may use (her conversation key is one of them): the phone subscribes to each. */
function addressesOf(identity: WhatsAppIdentity): string[] {
  return [identity.phone, identity.bsuid].filter((a): a is string => a !== undefined);
}

/** The page's address for this identity (what a redirect or the live socket names). */
function pageQuery(identity: WhatsAppIdentity, name?: string): string {
  const query = new URLSearchParams();
  if (identity.phone) query.set('number', identity.phone);
  if (identity.username) query.set('username', identity.username);
  if (name) query.set('name', name);
  return query.toString();
}

/**
 * The same form fields Twilio would post for this message. Twilio's form needs a number: for a user without one the
 * simulator's own stands in, and the envelope is replaced after parsing (`inbound`).
 */
function twilioParams(sid: string, number: string, name: string, body: string, media?: { url: string; type: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...extra,
    MessageSid: sid,
    SmsMessageSid: sid,
    AccountSid: SIM_ACCOUNT_SID,
    From: `whatsapp:${number}`,
    To: `whatsapp:${SIM_NUMBER}`,
    Body: body,
    ProfileName: name,
    WaId: number.slice(1),
    NumMedia: media ? '1' : '0',
    ...(media ? { MediaUrl0: media.url, MediaContentType0: media.type } : {}),
  };
}

/**
 * Her message as the intake takes it: parsed from Twilio's form, its sender then her identity — with a username, as
 * Meta's webhooks give it (her BSUID and username; her number only when she shares it), in `raw` too.
 */
function inbound(parsed: InboundMessage, identity: WhatsAppIdentity): InboundMessage {
  if (!identity.bsuid) return parsed;
  const { From: _from, WaId: _waId, ...raw } = parsed.raw;
  return { ...parsed, from: identity, raw: { ...raw, ...(identity.phone ? { From: `whatsapp:${identity.phone}` } : {}), UserId: identity.bsuid, Username: identity.username } };
}

export function devPhoneRoutes(deps: DevPhoneDeps) {
  /** Her thread, found as the intake finds her (by BSUID, else number); empty before she wrote. */
  async function thread(identity: WhatsAppIdentity): Promise<PhoneMessage[]> {
    const aspirant = await findAspirantByIdentity(deps.db, identity);
    if (!aspirant) return [];
    const rows = await threadForNumber(deps.db, aspirant.whatsappId);
    return rows.map((row) => ({
      id: String(row.id),
      mine: row.sender === 'aspirant',
      body: row.body,
      at: row.createdAt,
      media: row.mediaType ? `[${row.mediaKind ?? row.mediaType}]` : undefined,
    }));
  }

  return new Elysia({ name: 'dev-phone', prefix: '/dev/phone' })
    .get(
      '',
      async function page({ query }) {
        const identity = identityOf(query);
        if (!identity) return htmlResponse(PhonePage({ messages: [] }));
        return htmlResponse(PhonePage({ number: identity.phone, username: identity.username, name: query.name, messages: await thread(identity) }));
      },
      { query: t.Object({ number: t.Optional(t.String({ maxLength: 20 })), username: t.Optional(t.String({ maxLength: 40 })), name: t.Optional(t.String({ maxLength: 60 })) }) },
    )
    .post(
      '/messages',
      async function send({ body, request, set }) {
        const identity = identityOf(body);
        if (!identity) throw new BadRequestError('number: give her number or a username.', 'number');
        const photo = body.photo && body.photo.size > 0 ? body.photo : undefined;
        // Twilio puts a document's file name in Body when she adds no caption: so does the simulator.
        const text = body.body?.trim() || (body.type === 'document' && photo?.name ? photo.name : '');
        const place = body.latitude !== undefined || body.longitude !== undefined;
        if (!text && !photo && !place) throw new BadRequestError('body: write a message or attach a photo.', 'body');
        if (photo && photo.size > deps.mediaMaxBytes) throw new BadRequestError(`photo: larger than ${deps.mediaMaxBytes} bytes.`, 'photo');
        const media = photo ? { url: deps.simulator.addMedia(new Uint8Array(await photo.arrayBuffer()), photo.type), type: photo.type || 'application/octet-stream' } : undefined;
        const sid = deps.simulator.newMessageSid();
        const extra: Record<string, string> = {};
        if (body.type) extra.MessageType = body.type;
        for (const [field, value] of [
          ['Latitude', body.latitude],
          ['Longitude', body.longitude],
          ['Address', body.address],
          ['Label', body.label],
        ] as const)
          if (value !== undefined) extra[field] = value;
        const parsed = parseInboundWebhook(twilioParams(sid, identity.phone ?? SIM_NUMBER, body.name?.trim() ?? '', text, media, extra));
        if (!parsed.ok) throw new BadRequestError(`${parsed.field}: ${parsed.message}`, parsed.field);
        await deps.conversations.acceptInbound(inbound(parsed.value, identity));
        if (request.headers.get('hx-request')) {
          return htmlResponse(PhoneBubble({ message: { id: sid, mine: true, body: text, at: new Date(), media: media ? `[${media.type}]` : undefined } }));
        }
        set.status = 303;
        set.headers.location = `/dev/phone?${pageQuery(identity, body.name)}`;
        return '';
      },
      {
        body: t.Object({
          number: t.Optional(t.String({ maxLength: 20 })),
          username: t.Optional(t.String({ maxLength: 40 })),
          name: t.Optional(t.String({ maxLength: 60 })),
          // In UTF-16 units, so any text WhatsApp allows (MAX_TEXT_CHARACTERS characters) fits: the parser keeps it whole.
          body: t.Optional(t.String({ maxLength: 2 * MAX_TEXT_CHARACTERS })),
          photo: t.Optional(t.File()),
          // What Twilio's MessageType would say (sticker, audio, document, location…); absent: inferred as Twilio's is.
          type: t.Optional(t.UnionEnum(['text', 'image', 'sticker', 'audio', 'video', 'document', 'location', 'contacts'])),
          latitude: t.Optional(t.String({ maxLength: 32 })),
          longitude: t.Optional(t.String({ maxLength: 32 })),
          address: t.Optional(t.String({ maxLength: 500 })),
          label: t.Optional(t.String({ maxLength: 200 })),
        }),
      },
    )
    .ws('/live', {
      query: t.Object({ number: t.Optional(t.String({ maxLength: 20 })), username: t.Optional(t.String({ maxLength: 40 })) }),
      open(ws) {
        let identity: WhatsAppIdentity | undefined;
        try {
          identity = identityOf(ws.data.query);
        } catch {
          identity = undefined;
        }
        if (!identity) return ws.close(1008, 'bad number or username');
        // A send goes to her conversation key: her number or her BSUID, whichever she was first seen with.
        for (const address of addressesOf(identity)) ws.subscribe(phoneTopic(address));
      },
    });
}
