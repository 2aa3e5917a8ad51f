/** @module server/whatsapp/twilio-webhooks.test — the webhook's form parser decodes exactly as URLSearchParams does. */
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { parseForm } from './twilio-webhooks';

function reference(text: string): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) if (!Object.hasOwn(params, key)) params[key] = value;
  return params;
}

describe('parseForm', () => {
  test('matches URLSearchParams on encoded, repeated, empty and odd input', () => {
    for (const text of [
      'a=1&b=2&a=3',
      'Body=Hola+mundo%21+%F0%9F%91%8B&To=whatsapp%3A%2B57',
      'x=&=y&z',
      '',
      '&&a=%00b',
      'k=%E2%82%AC+%2B',
      'bad=%ZZ%41&also=%E2%82',
      'odd=%ZZ+%2B+x',
      '__proto__=1&constructor=2&toString=3&__proto__=4',
    ]) {
      expect(parseForm(text)).toEqual(reference(text));
    }
  });

  test('matches URLSearchParams for any encoded record (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (record) => {
        const text = new URLSearchParams(record).toString();
        expect(parseForm(text)).toEqual(reference(text));
      }),
    );
  });
});
