/** @module server/whatsapp/twilio-sender.test — the parts of the sender that need no server (the wire is tested in test/fake-twilio.test.ts). */
import { describe, expect, test } from 'bun:test';
import { SendError } from './send-errors';
import { createTwilioSender, pickSent, rebaseUri, type ListedMessage } from './twilio-sender';

describe('rebaseUri', () => {
  test('swaps the origin and keeps path and query', () => {
    expect(rebaseUri('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=1', 'http://127.0.0.1:4010')).toBe(
      'http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json?PageSize=1',
    );
  });

  test('keeps a base path prefix and drops its trailing slash', () => {
    expect(rebaseUri('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json', 'https://gateway.internal/twilio/')).toBe('https://gateway.internal/twilio/2010-04-01/Accounts/AC1/Messages.json');
  });
});

describe('createTwilioSender', () => {
  test('needs a sender identity', () => {
    expect(() => createTwilioSender({ accountSid: 'AC' + '0'.repeat(32), authToken: 't' })).toThrow('from');
  });

  test('refuses a bad recipient or an empty message before any request', async () => {
    // apiUrl points at a port nothing listens on: reaching the network would give a transient error instead.
    const sender = createTwilioSender({ accountSid: 'AC' + '0'.repeat(32), authToken: 't', from: 'whatsapp:+14155238886', apiUrl: 'http://127.0.0.1:1' });
    for (const bad of [{ to: '+57 300 123 4567', body: 'hola' }, { to: '+573001234567' }, { to: '+573001234567', mediaUrl: [] }]) {
      const error = await sender.send({ ...bad, idempotencyKey: 'k' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SendError);
      expect((error as SendError).permanent).toBe(true);
    }
  });
});

describe('pickSent', () => {
  const since = new Date('2026-11-27T03:12:00Z');
  function listed(overrides: Partial<ListedMessage>): ListedMessage {
    return { sid: 'SM1', status: 'queued', body: 'Hola', direction: 'outbound-api', dateCreated: since, ...overrides };
  }

  test('only outbound API messages with a readable date count', () => {
    const query = { to: '+573001234567', body: 'Hola', since };
    expect(pickSent([listed({ direction: 'inbound' }), listed({ direction: 'outbound-reply' })], query)).toBeNull();
    expect(pickSent([listed({ dateCreated: 'not a date' }), listed({ dateCreated: null })], query)).toBeNull();
    expect(pickSent([listed({ dateCreated: 'Fri, 27 Nov 2026 03:12:00 +0000', status: 'sent' })], query)).toEqual({ sid: 'SM1', status: 'sent' });
  });

  test('the newest match wins whatever the list order; the first listed on a tie', () => {
    const later = new Date(since.getTime() + 1_000);
    const query = { to: '+573001234567', body: 'Hola', since };
    expect(pickSent([listed({ sid: 'SMold' }), listed({ sid: 'SMnew', dateCreated: later })], query)?.sid).toBe('SMnew');
    expect(pickSent([listed({ sid: 'SMa' }), listed({ sid: 'SMb' })], query)?.sid).toBe('SMa');
  });

  test('no body and no template means a media-only message, whose body is empty', () => {
    const query = { to: '+573001234567', since };
    expect(pickSent([listed({ sid: 'SMtext' }), listed({ sid: 'SMmedia', body: '' })], query)?.sid).toBe('SMmedia');
  });
});

describe('findSent', () => {
  test('refuses a non-E.164 recipient before any request', async () => {
    const sender = createTwilioSender({ accountSid: 'AC' + '0'.repeat(32), authToken: 't', from: 'whatsapp:+14155238886', apiUrl: 'http://127.0.0.1:1' });
    const error = await sender.findSent?.({ to: '3001234567', body: 'hola', since: new Date() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).permanent).toBe(true);
  });
});
