/** @module server/services/template-reply.test — templates offered with her first name, and a posted template checked before it is sent. */
import { describe, expect, test } from 'bun:test';
import { checkTemplateReply, cleanVariable, MAX_TEMPLATE_VARIABLE_CHARS, postedVariables, templateViews } from './template-reply';
import type { OfferedTemplate } from './templates';

const greeting: OfferedTemplate = {
  ref: `HX${'a'.repeat(32)}`,
  name: 'Seguimiento',
  language: 'es',
  category: 'utility',
  body: 'Hola {{1}}, ¿vienes el {{2}}?',
  variables: ['1', '2'],
  source: 'provider',
};
const named: OfferedTemplate = {
  ref: 'recordatorio:es_CO',
  name: 'recordatorio',
  language: 'es_CO',
  category: null,
  body: 'Hola {{first_name}}, en {{city}}',
  variables: ['first_name', 'city'],
  source: 'provider',
};
const plain: OfferedTemplate = { ref: `HX${'b'.repeat(32)}`, name: 'Sin nada', language: 'es', category: null, body: '', variables: [], source: 'fallback' };

describe('templates offered to one aspirant', () => {
  test('{{1}}, {{first_name}} and {{name}} start with her first name, the rest empty; what she typed before a refusal wins', () => {
    expect(templateViews([greeting, named], 'Valentina').map((t) => t.variables)).toEqual([
      [
        { name: '1', value: 'Valentina' },
        { name: '2', value: '' },
      ],
      [
        { name: 'first_name', value: 'Valentina' },
        { name: 'city', value: '' },
      ],
    ]);
    const again = templateViews([greeting, named], 'Valentina', { ref: greeting.ref, values: { 2: 'lunes' } });
    expect(again[0]!.variables).toEqual([
      { name: '1', value: '' },
      { name: '2', value: 'lunes' },
    ]);
    expect(again[1]!.variables[0]).toEqual({ name: 'first_name', value: 'Valentina' });
    expect(templateViews([greeting], '')[0]).toEqual({
      ref: greeting.ref,
      name: 'Seguimiento',
      language: 'es',
      body: greeting.body,
      variables: [
        { name: '1', value: '' },
        { name: '2', value: '' },
      ],
    });
  });
});

describe('a posted template', () => {
  test('an offered ref with every value: the values to send and the text the chat shows', () => {
    expect(checkTemplateReply([greeting], greeting.ref, { 1: ' Valentina ', 2: 'lunes\n\t 3  de   mayo', 3: 'ignored' })).toEqual({
      ok: true,
      template: greeting,
      variables: { 1: 'Valentina', 2: 'lunes 3 de mayo' },
      text: 'Hola Valentina, ¿vienes el lunes 3 de mayo?',
    });
    // A template with no variable and no body shows its name.
    expect(checkTemplateReply([plain], plain.ref, {})).toMatchObject({ ok: true, variables: {}, text: 'Sin nada' });
  });

  test('refused: a ref not offered, a value missing or blank, a value past 1,024 characters (emoji count once)', () => {
    expect(checkTemplateReply([greeting], named.ref, {})).toEqual({ ok: false, code: 'UNKNOWN_TEMPLATE' });
    expect(checkTemplateReply([], greeting.ref, { 1: 'a', 2: 'b' })).toEqual({ ok: false, code: 'UNKNOWN_TEMPLATE' });
    expect(checkTemplateReply([greeting], greeting.ref, { 1: 'Vale' })).toEqual({ ok: false, code: 'MISSING_VARIABLE', variable: '2' });
    expect(checkTemplateReply([greeting], greeting.ref, { 1: ' \n\t ', 2: 'x' })).toEqual({ ok: false, code: 'MISSING_VARIABLE', variable: '1' });
    const long = '😀'.repeat(MAX_TEMPLATE_VARIABLE_CHARS);
    expect(checkTemplateReply([greeting], greeting.ref, { 1: long, 2: 'x' })).toMatchObject({ ok: true });
    expect(checkTemplateReply([greeting], greeting.ref, { 1: `${long}!`, 2: 'x' })).toEqual({ ok: false, code: 'VARIABLE_TOO_LONG', variable: '1', count: 1025 });
  });

  test('values lose what WhatsApp refuses in a parameter: line breaks, tabs, runs of spaces, control characters, lone surrogates', () => {
    expect(cleanVariable('  a\r\n b\t\tc     d\u0000e\u0007 ')).toBe('a b c d e');
    expect(cleanVariable('x\uD800y')).toBe('x\uFFFDy');
  });

  test('the posted var.<name> fields, the first of a repeated one; other fields ignored', () => {
    expect(postedVariables({ templateRef: 'HX', _csrf: 't', 'var.1': 'Ana', 'var.first_name': ['Bea', 'Cata'], 'var.2': 3, body: 'x' })).toEqual({ 1: 'Ana', first_name: 'Bea' });
  });
});

describe('variables named like Object members', () => {
  const odd: OfferedTemplate = { ...named, ref: 'odd:es', body: 'A {{constructor}} B {{__proto__}} C {{toString}}', variables: ['constructor', '__proto__', 'toString'] };

  test('start empty (never an inherited member), and are filled and sent as data', () => {
    const [view] = templateViews([odd], 'Valentina', { ref: 'odd:es', values: postedVariables({}) });
    expect(view!.variables.map((v) => v.value)).toEqual(['', '', '']);
    const posted = postedVariables(JSON.parse('{"var.constructor":"uno","var.__proto__":"dos","var.toString":"tres"}'));
    const checked = checkTemplateReply([odd], 'odd:es', posted);
    expect(checked).toMatchObject({ ok: true, text: 'A uno B dos C tres' });
    expect(checked.ok && Object.entries(checked.variables)).toEqual([
      ['constructor', 'uno'],
      ['__proto__', 'dos'],
      ['toString', 'tres'],
    ]);
    expect(checkTemplateReply([odd], 'odd:es', postedVariables({}))).toEqual({ ok: false, code: 'MISSING_VARIABLE', variable: 'constructor' });
  });
});
