import { describe, expect, test } from 'bun:test';
import { ConfigError } from './config-env';
import { privacyConfig } from './config-privacy';
import { DEFAULT_GUARDIAN_LINK_TTL_MS } from './privacy/guardian-token';

describe('privacyConfig', () => {
  test('defaults: no template, a 14-day link', () => {
    expect(privacyConfig({})).toEqual({ guardianTemplate: undefined, guardianLinkTtlMs: DEFAULT_GUARDIAN_LINK_TTL_MS });
  });

  test('a Twilio Content SID or a Meta name:language is a template reference', () => {
    expect(privacyConfig({ GUARDIAN_TEMPLATE: `HX${'0'.repeat(32)}` }).guardianTemplate).toBe(`HX${'0'.repeat(32)}`);
    expect(privacyConfig({ GUARDIAN_TEMPLATE: 'acudiente:es_CO', GUARDIAN_LINK_TTL: '3d' })).toEqual({ guardianTemplate: 'acudiente:es_CO', guardianLinkTtlMs: 3 * 86_400_000 });
  });

  test('anything else is refused with the variable named', () => {
    expect(() => privacyConfig({ GUARDIAN_TEMPLATE: 'Hola {{1}}' })).toThrow(ConfigError);
    expect(() => privacyConfig({ GUARDIAN_TEMPLATE: 'Hola {{1}}' })).toThrow(/GUARDIAN_TEMPLATE/);
    expect(() => privacyConfig({ GUARDIAN_LINK_TTL: 'forever' })).toThrow(/GUARDIAN_LINK_TTL/);
  });
});
