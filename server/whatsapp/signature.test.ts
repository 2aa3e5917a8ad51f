/** @module server/whatsapp/signature.test — X-Twilio-Signature checks against twilio's own helper, and the signed URL. */
import { describe, expect, test } from 'bun:test';
import twilio from 'twilio';
import { computeTwilioSignature, verifyTwilioSignature, webhookUrl } from './signature';

const TOKEN = '12345678901234567890123456789012';
const URL_CALLED = 'https://wasap.example.co/webhooks/twilio/inbound?tenant=a%20b';
const PARAMS = {
  MessageSid: 'SM' + 'a1'.repeat(16),
  From: 'whatsapp:+573001234567',
  To: 'whatsapp:+14155238886',
  Body: 'Hola — ¿cómo estás? 👋 & = +',
  NumMedia: '0',
};

describe('verifyTwilioSignature', () => {
  test("accepts the signature twilio's own helper computes", () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_CALLED, PARAMS);
    expect(verifyTwilioSignature(TOKEN, signature, URL_CALLED, PARAMS)).toBe(true);
  });

  test('rejects a changed parameter, an added parameter, another URL and another token', () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_CALLED, PARAMS);
    expect(verifyTwilioSignature(TOKEN, signature, URL_CALLED, { ...PARAMS, Body: 'Hola' })).toBe(false);
    expect(verifyTwilioSignature(TOKEN, signature, URL_CALLED, { ...PARAMS, NumMedia: '1' })).toBe(false);
    expect(verifyTwilioSignature(TOKEN, signature, URL_CALLED, { ...PARAMS, Extra: '' })).toBe(false);
    expect(verifyTwilioSignature(TOKEN, signature, 'https://evil.example/webhooks/twilio/inbound?tenant=a%20b', PARAMS)).toBe(false);
    expect(verifyTwilioSignature('another-token', signature, URL_CALLED, PARAMS)).toBe(false);
  });

  test('rejects a missing or empty signature and a malformed URL', () => {
    expect(verifyTwilioSignature(TOKEN, undefined, URL_CALLED, PARAMS)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, null, URL_CALLED, PARAMS)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, '', URL_CALLED, PARAMS)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, 'abc', 'not a url', PARAMS)).toBe(false);
  });
});

describe('computeTwilioSignature', () => {
  test("matches twilio's helper, so what the simulator signs the server accepts", () => {
    const ours = computeTwilioSignature(TOKEN, URL_CALLED, PARAMS);
    expect(ours).toBe(twilio.getExpectedTwilioSignature(TOKEN, URL_CALLED, PARAMS));
    expect(verifyTwilioSignature(TOKEN, ours, URL_CALLED, PARAMS)).toBe(true);
  });

  test('depends on parameter values, not on their insertion order', () => {
    const reordered = Object.fromEntries(Object.entries(PARAMS).reverse());
    expect(computeTwilioSignature(TOKEN, URL_CALLED, reordered)).toBe(computeTwilioSignature(TOKEN, URL_CALLED, PARAMS));
    expect(computeTwilioSignature(TOKEN, URL_CALLED, { ...PARAMS, Body: '' })).not.toBe(computeTwilioSignature(TOKEN, URL_CALLED, PARAMS));
  });
});

describe('webhookUrl', () => {
  const request = (headers: Record<string, string> = {}) => new Request('http://127.0.0.1:3000/webhooks/twilio/inbound?tenant=a%20b', { method: 'POST', headers });

  test('uses PUBLIC_URL, without its trailing slash, plus the path and query string', () => {
    expect(webhookUrl(request(), '/webhooks/twilio/inbound', { publicUrl: 'https://wasap.example.co/', trustProxy: false })).toBe(URL_CALLED);
  });

  test('ignores forwarded headers unless the proxy is trusted', () => {
    const forwarded = request({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' });
    expect(webhookUrl(forwarded, '/webhooks/twilio/inbound', { publicUrl: 'https://wasap.example.co', trustProxy: false })).toBe(URL_CALLED);
  });

  test('behind a trusted proxy takes the first X-Forwarded-Proto and X-Forwarded-Host values', () => {
    const forwarded = request({ 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'wasap.example.co, internal:8080' });
    expect(webhookUrl(forwarded, '/webhooks/twilio/inbound', { publicUrl: 'http://localhost:3000', trustProxy: true })).toBe(URL_CALLED);
  });

  test('behind a trusted proxy without forwarded headers falls back to the request itself', () => {
    expect(webhookUrl(request(), '/webhooks/twilio/inbound', { publicUrl: 'https://wasap.example.co', trustProxy: true })).toBe('http://127.0.0.1:3000/webhooks/twilio/inbound?tenant=a%20b');
  });
});

describe('signature URL variants', () => {
  test('a signature made over the URL with the default port validates against the URL without it, and back', () => {
    const params = { Body: 'hola', From: 'whatsapp:+573001112233' };
    const withPort = computeTwilioSignature('tok', 'https://wasap.example.co:443/webhooks/twilio', params);
    expect(verifyTwilioSignature('tok', withPort, 'https://wasap.example.co/webhooks/twilio', params)).toBe(true);
    const without = computeTwilioSignature('tok', 'https://wasap.example.co/webhooks/twilio', params);
    expect(verifyTwilioSignature('tok', without, 'https://wasap.example.co:443/webhooks/twilio', params)).toBe(true);
    expect(verifyTwilioSignature('tok', without, 'https://wasap.example.co:8443/webhooks/twilio', params)).toBe(false);
  });
});

test('a signature for the default port does not validate a request on another port', () => {
  const params = { Body: 'hola' };
  const for443 = computeTwilioSignature('tok', 'https://wasap.example.co:443/w', params);
  expect(verifyTwilioSignature('tok', for443, 'https://wasap.example.co:8443/w', params)).toBe(false);
  expect(verifyTwilioSignature('tok', for443, 'https://wasap.example.co/w', params)).toBe(true);
});
