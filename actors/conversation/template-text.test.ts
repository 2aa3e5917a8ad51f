/** @module actors/conversation/template-text.test — placeholders as Twilio and Meta write them, found, ordered and filled. */
import { describe, expect, test } from 'bun:test';
import { fillTemplate, placeholdersOf, templateSegments } from './template-text';

describe('template placeholders', () => {
  test('a body is cut into text and placeholders, spaces inside the braces tolerated, a broken one left as text', () => {
    expect(templateSegments('Hola {{1}}, tu cita es el {{ 2 }} {{no válido}} {{')).toEqual([
      { text: 'Hola ' },
      { variable: '1' },
      { text: ', tu cita es el ' },
      { variable: '2' },
      { text: ' {{no válido}} {{' },
    ]);
    expect(templateSegments('')).toEqual([]);
    expect(templateSegments('{{first_name}}')).toEqual([{ variable: 'first_name' }]);
  });

  test('each name once: numbers by number, then named ones as they come, then the extra names a provider lists', () => {
    expect(placeholdersOf('{{10}} {{2}} {{first_name}} {{2}} {{city}} {{1}}')).toEqual(['1', '2', '10', 'first_name', 'city']);
    expect(placeholdersOf('Hola {{1}}', ['3', '1', 'bad name', ''])).toEqual(['1', '3']);
    expect(placeholdersOf('Sin variables')).toEqual([]);
  });

  test('filled with the values given; one without a value stays as written; values are not read as placeholders', () => {
    expect(fillTemplate('Hola {{1}}, ¿{{ 2 }}? {{1}}', { 1: 'Vale', 2: '{{1}}' })).toBe('Hola Vale, ¿{{1}}? Vale');
    expect(fillTemplate('Hola {{1}} y {{2}}', { 1: 'Ana' })).toBe('Hola Ana y {{2}}');
    // An inherited name is not a value.
    expect(fillTemplate('{{constructor}}', {})).toBe('{{constructor}}');
  });
});
