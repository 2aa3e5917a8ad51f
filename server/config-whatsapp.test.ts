/** @module server/config-whatsapp.test — WHATSAPP_PROVIDER's choice, each META_* setting's check, and secrets kept out of errors. */
import { describe, expect, test } from 'bun:test';
import { ConfigError, loadConfig } from './config';
import { DEFAULT_API_VERSION } from './whatsapp/meta/graph';

const TWILIO = { TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'twilio-auth-token-secret', TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886' };
const META = {
  META_ACCESS_TOKEN: 'EAAGsecretaccesstoken0123456789',
  META_PHONE_NUMBER_ID: '106540352242922',
  META_APP_SECRET: 'app-secret-0123456789abcdef',
  META_VERIFY_TOKEN: 'verify-token-0123456789',
};
/** Values that must never appear in an error message, whatever is wrong. */
const SECRETS = [TWILIO.TWILIO_AUTH_TOKEN, META.META_ACCESS_TOKEN, META.META_APP_SECRET, META.META_VERIFY_TOKEN];

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`);
}

describe('WHATSAPP_PROVIDER', () => {
  test('unset: Twilio when only TWILIO_* is set, Meta when only META_* is, the simulator when neither', () => {
    const twilio = loadConfig(TWILIO);
    expect(twilio.whatsappProvider).toBe('twilio');
    expect(twilio.twilio?.accountSid).toBe(TWILIO.TWILIO_ACCOUNT_SID);
    expect(twilio.meta).toBeUndefined();
    const meta = loadConfig(META);
    expect(meta.whatsappProvider).toBe('meta');
    expect(meta.twilio).toBeUndefined();
    expect(meta.meta).toEqual({
      accessToken: META.META_ACCESS_TOKEN,
      phoneNumberId: META.META_PHONE_NUMBER_ID,
      appSecret: META.META_APP_SECRET,
      verifyToken: META.META_VERIFY_TOKEN,
      wabaId: undefined,
      graphUrl: 'https://graph.facebook.com',
      apiVersion: DEFAULT_API_VERSION,
      whatsappNumber: undefined,
      maxMps: 80,
      timeoutMs: 8000,
    });
    const neither = loadConfig({});
    expect(neither.whatsappProvider).toBe('simulator');
    expect(neither.twilio).toBeUndefined();
    expect(neither.meta).toBeUndefined();
  });

  test('both providers configured and none named is a ConfigError; naming one keeps only its settings', () => {
    const both = errorOf({ ...TWILIO, ...META });
    expect(both.variable).toBe('WHATSAPP_PROVIDER');
    const meta = loadConfig({ ...TWILIO, ...META, WHATSAPP_PROVIDER: 'META' });
    expect(meta.whatsappProvider).toBe('meta');
    expect(meta.twilio).toBeUndefined();
    const twilio = loadConfig({ ...TWILIO, ...META, WHATSAPP_PROVIDER: 'twilio' });
    expect(twilio.whatsappProvider).toBe('twilio');
    expect(twilio.meta).toBeUndefined();
    const simulator = loadConfig({ ...TWILIO, WHATSAPP_PROVIDER: 'simulator' });
    expect(simulator.whatsappProvider).toBe('simulator');
    expect(simulator.twilio).toBeUndefined();
  });

  test('a named provider without its settings names the first missing one; an unknown name is refused', () => {
    expect(errorOf({ WHATSAPP_PROVIDER: 'meta' }).variable).toBe('META_ACCESS_TOKEN');
    expect(errorOf({ WHATSAPP_PROVIDER: 'meta', ...TWILIO }).variable).toBe('META_ACCESS_TOKEN');
    expect(errorOf({ WHATSAPP_PROVIDER: 'twilio', ...META }).variable).toBe('TWILIO_ACCOUNT_SID');
    const unknown = errorOf({ WHATSAPP_PROVIDER: 'whatsapp-web' });
    expect(unknown.variable).toBe('WHATSAPP_PROVIDER');
    expect(unknown.message).toContain('twilio, meta or simulator');
  });

  test('every optional META_* setting is read', () => {
    const config = loadConfig({
      ...META,
      META_WABA_ID: '102290129340398',
      META_GRAPH_URL: 'http://127.0.0.1:4010/',
      META_API_VERSION: 'v21.0',
      META_WHATSAPP_NUMBER: '+573001234567',
      META_MAX_MPS: '1000',
      META_TIMEOUT_MS: '100',
    });
    expect(config.meta).toMatchObject({ wabaId: '102290129340398', graphUrl: 'http://127.0.0.1:4010', apiVersion: 'v21.0', whatsappNumber: '+573001234567', maxMps: 1000, timeoutMs: 100 });
  });
});

describe('META_* checks', () => {
  test.each([
    // One of the four required settings missing: it is named, and the rest are not echoed.
    [{ META_ACCESS_TOKEN: '' }, 'META_ACCESS_TOKEN'],
    [{ META_PHONE_NUMBER_ID: '' }, 'META_PHONE_NUMBER_ID'],
    [{ META_APP_SECRET: '' }, 'META_APP_SECRET'],
    [{ META_VERIFY_TOKEN: '' }, 'META_VERIFY_TOKEN'],
    // The phone number's Graph API id is digits, not the number itself.
    [{ META_PHONE_NUMBER_ID: '+15550783881' }, 'META_PHONE_NUMBER_ID'],
    [{ META_PHONE_NUMBER_ID: '1065-4035' }, 'META_PHONE_NUMBER_ID'],
    [{ META_PHONE_NUMBER_ID: '1'.repeat(31) }, 'META_PHONE_NUMBER_ID'],
    [{ META_APP_SECRET: 'short-secret' }, 'META_APP_SECRET'],
    [{ META_VERIFY_TOKEN: 'fifteen-chars!!' }, 'META_VERIFY_TOKEN'],
    [{ META_WABA_ID: 'waba-1' }, 'META_WABA_ID'],
    [{ META_GRAPH_URL: 'graph.facebook.com' }, 'META_GRAPH_URL'],
    [{ META_GRAPH_URL: 'ftp://graph.facebook.com' }, 'META_GRAPH_URL'],
    [{ META_API_VERSION: '21.0' }, 'META_API_VERSION'],
    [{ META_API_VERSION: 'v21' }, 'META_API_VERSION'],
    [{ META_API_VERSION: 'v21.0.1' }, 'META_API_VERSION'],
    [{ META_MAX_MPS: '0' }, 'META_MAX_MPS'],
    [{ META_MAX_MPS: '1001' }, 'META_MAX_MPS'],
    [{ META_MAX_MPS: '8.5' }, 'META_MAX_MPS'],
    [{ META_TIMEOUT_MS: '99' }, 'META_TIMEOUT_MS'],
    [{ META_WHATSAPP_NUMBER: '573001234567' }, 'META_WHATSAPP_NUMBER'],
    [{ META_WHATSAPP_NUMBER: '+57 300 123 4567' }, 'META_WHATSAPP_NUMBER'],
    [{ META_WHATSAPP_NUMBER: '+0573001234567' }, 'META_WHATSAPP_NUMBER'],
  ])('%j is refused naming %s, in one line, without any secret', (change, variable) => {
    const error = errorOf({ ...META, ...change });
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: expected`)).toBe(true);
    expect(error.message).not.toContain('\n');
    for (const secret of SECRETS) expect(error.message).not.toContain(secret);
  });

  test('the boundaries of each range are taken', () => {
    expect(loadConfig({ ...META, META_MAX_MPS: '1' }).meta?.maxMps).toBe(1);
    expect(loadConfig({ ...META, META_APP_SECRET: 's'.repeat(16), META_VERIFY_TOKEN: 'v'.repeat(16) }).meta).toMatchObject({ appSecret: 's'.repeat(16), verifyToken: 'v'.repeat(16) });
    expect(loadConfig({ ...META, META_PHONE_NUMBER_ID: '1'.repeat(30) }).meta?.phoneNumberId).toBe('1'.repeat(30));
  });

  test('a wrong secret is never echoed back, nor the other secrets beside it', () => {
    const tooShort = { secret: 'x7Qz!secret', token: 'y8Rw!token' };
    const secretError = errorOf({ ...META, META_APP_SECRET: tooShort.secret });
    expect(secretError.message).not.toContain(tooShort.secret);
    const tokenError = errorOf({ ...META, META_VERIFY_TOKEN: tooShort.token });
    expect(tokenError.message).not.toContain(tooShort.token);
    // A password in the Graph URL is masked like DATABASE_URL's.
    expect(errorOf({ ...META, META_GRAPH_URL: 'ftp://me:hunter2@graph.example' }).message).not.toContain('hunter2');
    // Twilio and Meta both set: the error is about the choice, not the values.
    for (const secret of SECRETS) expect(errorOf({ ...TWILIO, ...META }).message).not.toContain(secret);
  });
});
