/** @module server/routes/dev-phone — the simulator's phone page (simulator mode only): it feeds the webhook's own path. */
import { Elysia, t } from 'elysia';
import type { Db } from '../db/client';
import { threadForNumber } from '../db/queries/messages';
import { BadRequestError } from '../errors';
import type { ConversationSystem } from '../conversations/system';
import { parseInboundWebhook } from '../whatsapp/inbound-parse';
import { MAX_TEXT_CHARACTERS } from '../whatsapp/webhook-fields';
import { isE164 } from '../whatsapp/phone';
import { phoneTopic, SIM_ACCOUNT_SID, SIM_NUMBER, type Simulator } from '../whatsapp/simulator';
import { PhoneBubble, PhonePage, type PhoneMessage } from '../../views/dev/phone';
import { htmlResponse } from './html';

export interface DevPhoneDeps {
  db: Db;
  simulator: Simulator;
  conversations: ConversationSystem;
  mediaMaxBytes: number;
}

function checkNumber(number: string): string {
  const trimmed = number.trim();
  if (!isE164(trimmed)) throw new BadRequestError('number: use E.164, a + and 8 to 15 digits, e.g. +573001234567.', 'number');
  return trimmed;
}

/** The same form fields Twilio would post for this message. */
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

export function devPhoneRoutes(deps: DevPhoneDeps) {
  async function thread(number: string): Promise<PhoneMessage[]> {
    const rows = await threadForNumber(deps.db, number);
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
        if (!query.number) return htmlResponse(PhonePage({ messages: [] }));
        const number = checkNumber(query.number);
        return htmlResponse(PhonePage({ number, name: query.name, messages: await thread(number) }));
      },
      { query: t.Object({ number: t.Optional(t.String({ maxLength: 20 })), name: t.Optional(t.String({ maxLength: 60 })) }) },
    )
    .post(
      '/messages',
      async function send({ body, request, set }) {
        const number = checkNumber(body.number);
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
        const parsed = parseInboundWebhook(twilioParams(sid, number, body.name?.trim() || 'Aspirant', text, media, extra));
        if (!parsed.ok) throw new BadRequestError(`${parsed.field}: ${parsed.message}`, parsed.field);
        await deps.conversations.acceptInbound(parsed.value);
        if (request.headers.get('hx-request')) {
          return htmlResponse(PhoneBubble({ message: { id: sid, mine: true, body: text, at: new Date(), media: media ? `[${media.type}]` : undefined } }));
        }
        set.status = 303;
        set.headers.location = `/dev/phone?number=${encodeURIComponent(number)}&name=${encodeURIComponent(body.name ?? '')}`;
        return '';
      },
      {
        body: t.Object({
          number: t.String({ maxLength: 20 }),
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
      query: t.Object({ number: t.String({ maxLength: 20 }) }),
      open(ws) {
        const number = ws.data.query.number;
        if (!isE164(number)) return ws.close(1008, 'bad number');
        ws.subscribe(phoneTopic(number));
      },
    });
}
