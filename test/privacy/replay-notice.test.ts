/** @module test/privacy/replay-notice.test — a replay does not count the privacy notice's link line as a difference. */
import { expect, test } from 'bun:test';
import { comparable } from '../../server/services/replay';

test("a bot text with the notice's link line compares equal to the same text without it", () => {
  const line = 'Actualizamos nuestro aviso de privacidad (versión 3): https://wasap.example/privacy?version=3';
  expect(comparable(`¡Hola Vale!\n\n${line}`)).toBe(comparable('¡Hola Vale!'));
  expect(comparable('Mira https://wasap.example/privacy?version=3 cuando puedas')).toContain('privacy?version=3');
});
