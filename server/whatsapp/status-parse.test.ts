/** @module server/whatsapp/status-parse.test — status callback parsing and the forward-only status rule. */
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { DELIVERY_ORDER, TERMINAL_DELIVERY_STATUSES, type DeliveryStatus } from '../../actors/vocabulary';
import { advanceStatus, parseStatusCallback } from './status-parse';

const MESSAGE_SID = 'SM' + 'e5'.repeat(16);

function callback(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ChannelPrefix: 'whatsapp',
    ApiVersion: '2010-04-01',
    MessageStatus: 'delivered',
    SmsSid: MESSAGE_SID,
    SmsStatus: 'delivered',
    ChannelInstallSid: 'XE' + 'f6'.repeat(16),
    To: 'whatsapp:+573001234567',
    From: 'whatsapp:+14155238886',
    MessageSid: MESSAGE_SID,
    AccountSid: 'AC' + 'b2'.repeat(16),
    ...overrides,
  };
}

describe('parseStatusCallback', () => {
  test('parses a delivered callback', () => {
    const params = callback();
    expect(parseStatusCallback(params)).toEqual({
      ok: true,
      value: { messageSid: MESSAGE_SID, status: 'delivered', to: '+573001234567', raw: params },
    });
  });

  test('parses a failure with its error code and message', () => {
    const result = parseStatusCallback(callback({ MessageStatus: 'failed', SmsStatus: 'failed', ErrorCode: '63016', ErrorMessage: 'Outside window' }));
    expect(result.ok && { status: result.value.status, errorCode: result.value.errorCode, errorMessage: result.value.errorMessage }).toEqual({
      status: 'failed',
      errorCode: 63016,
      errorMessage: 'Outside window',
    });
  });

  test('maps accepted and scheduled to queued', () => {
    for (const status of ['accepted', 'scheduled']) {
      const result = parseStatusCallback(callback({ MessageStatus: status }));
      expect(result.ok && result.value.status).toBe('queued');
    }
  });

  test('a status named like an Object property (constructor, __proto__, toString) is refused, not looked up', () => {
    for (const status of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(parseStatusCallback(callback({ MessageStatus: status }))).toMatchObject({ ok: false, field: 'MessageStatus' });
    }
  });

  test('falls back to SmsStatus when MessageStatus is missing', () => {
    const result = parseStatusCallback(callback({ MessageStatus: '', SmsStatus: 'sent' }));
    expect(result.ok && result.value.status).toBe('sent');
  });

  test.each([
    ['MessageSid', { MessageSid: 'SMnope' }],
    ['MessageStatus', { MessageStatus: 'teleported' }],
    // Only inbound messages are `received`: a callback about an outbound one never says so.
    ['MessageStatus', { MessageStatus: 'received' }],
    ['MessageStatus', { MessageStatus: '', SmsStatus: '' }],
    ['ErrorCode', { ErrorCode: 'E63016' }],
  ])('rejects a bad %s', (field, overrides) => {
    const result = parseStatusCallback(callback(overrides));
    expect(result.ok ? null : result.field).toBe(field);
  });
});

describe('advanceStatus', () => {
  test('moves forward and never back', () => {
    expect(advanceStatus('sent', 'delivered')).toBe('delivered');
    expect(advanceStatus('read', 'delivered')).toBe('read');
    expect(advanceStatus('delivered', 'sending')).toBe('delivered');
    expect(advanceStatus(null, 'sent')).toBe('sent');
  });

  test('a terminal status beats progress and is never overwritten', () => {
    expect(advanceStatus('sent', 'failed')).toBe('failed');
    expect(advanceStatus('read', 'undelivered')).toBe('undelivered');
    expect(advanceStatus('failed', 'read')).toBe('failed');
    expect(advanceStatus('undelivered', 'failed')).toBe('undelivered');
  });

  const anyStatus = fc.constantFrom<DeliveryStatus>(...DELIVERY_ORDER, ...TERMINAL_DELIVERY_STATUSES);
  const progress = fc.constantFrom<DeliveryStatus>(...DELIVERY_ORDER);
  const fold = (statuses: DeliveryStatus[]) => statuses.reduce<DeliveryStatus | null>((current, next) => advanceStatus(current, next), null);

  test('property: the final status is the first terminal one, else the furthest progress', () => {
    fc.assert(
      fc.property(fc.array(anyStatus, { minLength: 1, maxLength: 20 }), (statuses) => {
        const terminal = statuses.find((status) => status === 'failed' || status === 'undelivered');
        const furthest = DELIVERY_ORDER[Math.max(...statuses.map((status) => (DELIVERY_ORDER as readonly string[]).indexOf(status)))];
        expect(fold(statuses)).toBe(terminal ?? furthest ?? null);
      }),
    );
  });

  test('property: with at most one kind of terminal status, arrival order does not matter', () => {
    const sequences = fc.tuple(fc.array(progress, { maxLength: 15 }), fc.option(fc.constantFrom<DeliveryStatus>(...TERMINAL_DELIVERY_STATUSES)), fc.nat(3));
    fc.assert(
      fc.property(
        sequences.chain(([base, terminal, copies]) => {
          const all = [...base, ...(terminal ? Array<DeliveryStatus>(copies + 1).fill(terminal) : [])];
          return fc.tuple(fc.constant(all), fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }));
        }),
        ([inOrder, shuffled]) => {
          fc.pre(inOrder.length > 0);
          expect(fold(shuffled)).toBe(fold(inOrder));
        },
      ),
    );
  });
});
