/** @module server/services/replay.test — what a replay counts as the same bot text. */
import { describe, expect, test } from 'bun:test';
import { comparable } from './replay';

describe('replay comparison', () => {
  test('form links compare equal whatever address and signature they carry; any other change is a difference', () => {
    const at = (host: string, sig: string) => `Llena este formulario:\n${host}/f/v1.12.1796679321.${sig}\nSi tienes preguntas, escríbeme.`;
    expect(comparable(at('http://localhost:3457', 'X2xEGL2RSw-Kg1Ob'))).toBe(comparable(at('http://localhost:3000', 'AbC_9')));
    expect(comparable(at('https://wasap.agency.co', 'q'))).toBe('Llena este formulario:\n{formLink}\nSi tienes preguntas, escríbeme.');
    expect(comparable(at('http://localhost:3000', 'a'))).not.toBe(comparable(at('http://localhost:3000', 'a').replace('preguntas', 'dudas')));
    expect(comparable('Visita https://agency.co/fotos')).toBe('Visita https://agency.co/fotos');
  });
});
