/** @module server/whatsapp/meta/templates.test — a Graph template entry as a ProviderTemplate: ref, lower-case states, body and its placeholders. */
import { describe, expect, test } from 'bun:test';
import { placeholders, toProviderTemplate } from './templates';

describe('toProviderTemplate', () => {
  test('ref name:language, category and status in lower case, the BODY text and its numbered placeholders', () => {
    const entry = {
      name: 'recordatorio',
      language: 'es_CO',
      category: 'UTILITY',
      status: 'APPROVED',
      id: '594425479261596',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Hola {{1}}' },
        { type: 'BODY', text: 'Hola {{1}}, te esperamos el {{2}}. {{1}}, trae tu documento.' },
        { type: 'FOOTER', text: 'Agencia' },
      ],
    };
    expect(toProviderTemplate(entry)).toEqual({
      ref: 'recordatorio:es_CO',
      name: 'recordatorio',
      language: 'es_CO',
      category: 'utility',
      status: 'approved',
      body: 'Hola {{1}}, te esperamos el {{2}}. {{1}}, trae tu documento.',
      variables: ['1', '2'],
    });
  });

  test('named placeholders, in order of first appearance; no body → empty; no category → null', () => {
    expect(placeholders('Hola {{first_name}}, tu cita es el {{ day }} con {{first_name}}')).toEqual(['first_name', 'day']);
    expect(toProviderTemplate({ name: 'solo_boton', language: 'en_US', status: 'PAUSED', components: [{ type: 'BUTTONS', buttons: [] }] })).toEqual({
      ref: 'solo_boton:en_US',
      name: 'solo_boton',
      language: 'en_US',
      category: null,
      status: 'paused',
      body: '',
      variables: [],
    });
  });

  test('an entry without a name or a language cannot be sent and is skipped', () => {
    expect(toProviderTemplate({ language: 'es' })).toBeNull();
    expect(toProviderTemplate({ name: 'x', language: 7 })).toBeNull();
    expect(toProviderTemplate(null)).toBeNull();
  });
});
