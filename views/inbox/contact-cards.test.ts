/** @module views/inbox/contact-cards.test — WhatsApp's vCards (3.0, with waid), 4.0 tel: URIs, many cards, and garbage. */
import { describe, expect, test } from 'bun:test';
import { parseContactCards } from './contact-cards';

const WHATSAPP_CARD = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Gómez;Ana;;;',
  'FN:Ana Gómez',
  'item1.TEL;waid=573001112233:+57 300 1112233',
  'item1.X-ABLabel:Móvil',
  'TEL;type=WORK:+1 (555) 010-0200',
  'END:VCARD',
].join('\r\n');

describe('parseContactCards', () => {
  test("reads WhatsApp's card: its name, each number as written and what to dial", () => {
    expect(parseContactCards(WHATSAPP_CARD)).toEqual([
      {
        name: 'Ana Gómez',
        phones: [
          { number: '+57 300 1112233', dial: '+573001112233' },
          { number: '+1 (555) 010-0200', dial: '+15550100200' },
        ],
      },
    ]);
  });

  test('reads several cards, a 4.0 tel: URI, and a card named only by N', () => {
    const text = `${WHATSAPP_CARD}\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nN:Ruiz;Beto;;;\r\nTEL;VALUE=uri:tel:+34-600-000-111\r\nEND:VCARD\r\n`;
    expect(parseContactCards(text)[1]).toEqual({ name: 'Ruiz Beto', phones: [{ number: '+34-600-000-111', dial: '+34600000111' }] });
  });

  test('text that is not a vCard gives no card', () => {
    expect(parseContactCards('<script>alert(1)</script>')).toEqual([]);
    expect(parseContactCards('')).toEqual([]);
    expect(parseContactCards('BEGIN:VCALENDAR\r\nEND:VCALENDAR')).toEqual([]);
  });
});
