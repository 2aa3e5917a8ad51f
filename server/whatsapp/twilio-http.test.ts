/** @module server/whatsapp/twilio-http.test — the fetch client under twilio: its form encoding, and failures without an answer as the send classification reads them. */
import { describe, expect, test } from 'bun:test';
import { classifySendError } from './send-errors';
import { FetchRequestClient, formEncode } from './twilio-http';

describe('twilio over fetch', () => {
  test('form fields as twilio encodes them: arrays repeat the key, undefined is left out', () => {
    expect(formEncode({ To: 'whatsapp:+573001234567', MediaUrl: ['https://a/1.jpg', 'https://a/2.jpg'], Body: 'Hola & adiós', Skip: undefined })).toBe(
      'To=whatsapp%3A%2B573001234567&MediaUrl=https%3A%2F%2Fa%2F1.jpg&MediaUrl=https%3A%2F%2Fa%2F2.jpg&Body=Hola+%26+adi%C3%B3s',
    );
  });

  test('a request that runs out of time is in doubt; a refused connection never reached Twilio', async () => {
    const silent = Bun.serve({ port: 0, fetch: () => new Promise<Response>(() => {}) });
    const refused = Bun.serve({ port: 0, fetch: () => new Response('') });
    const refusedUrl = `http://127.0.0.1:${refused.port}`;
    refused.stop(true);
    try {
      const request = (base: string, timeout: number) =>
        new FetchRequestClient(base, timeout).request({ method: 'post', uri: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json', data: { Body: 'x' } });
      const timedOut = classifySendError(await request(`http://127.0.0.1:${silent.port}`, 50).catch((e: unknown) => e));
      expect(timedOut).toMatchObject({ permanent: false, ambiguous: true });
      expect(timedOut.reason).toContain('did not answer in time');
      const notConnected = classifySendError(await request(refusedUrl, 1000).catch((e: unknown) => e));
      expect(notConnected).toMatchObject({ permanent: false, ambiguous: false });
      expect(notConnected.reason).toContain('ECONNREFUSED');
    } finally {
      silent.stop(true);
    }
  });

  test('an HTTP error is an answer: status and text come back for twilio to read', async () => {
    const server = Bun.serve({ port: 0, fetch: (req) => Response.json({ code: 21211, message: 'Invalid To', auth: req.headers.get('authorization') }, { status: 400 }) });
    try {
      const answer = await new FetchRequestClient(`http://127.0.0.1:${server.port}`).request({ method: 'post', uri: 'https://api.twilio.com/x', username: 'AC1', password: 'tok' });
      expect(answer.statusCode).toBe(400);
      expect(JSON.parse(answer.body as string)).toEqual({ code: 21211, message: 'Invalid To', auth: `Basic ${btoa('AC1:tok')}` });
    } finally {
      server.stop(true);
    }
  });
});
