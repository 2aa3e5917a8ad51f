/** @module server/whatsapp/send-errors.test — which Twilio and network failures are retried and what recruiters read. */
import { describe, expect, test } from 'bun:test';
import twilio from 'twilio';
import { SendError, classifySendError, sendErrorFromResponse } from './send-errors';

/** A RestException exactly as the twilio client builds one from an error answer. */
function restException(statusCode: number, body: Record<string, unknown> | string) {
  return new twilio.RestException({ statusCode, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

describe('classifySendError', () => {
  test.each([
    [500, 20500],
    [502, undefined],
    [503, 20503],
    [429, 20429],
    [408, undefined],
  ])('HTTP %d is transient', (status, code) => {
    const error = classifySendError(restException(status, { status, code, message: 'busy', more_info: '' }));
    expect(error).toMatchObject({ code: 'SEND_FAILED', permanent: false, status });
    expect(error.providerCode).toBe(code);
  });

  test.each([63016, 63014, 21211, 21610, 21617, 63024])("Twilio error %d is permanent; its words are Twilio's, the code is kept apart", (code) => {
    const error = classifySendError(restException(400, { status: 400, code, message: 'whatever Twilio says', more_info: '' }));
    expect(error).toMatchObject({ permanent: true, status: 400, providerCode: code, reason: 'whatever Twilio says' });
  });

  test('a known code without a message still says what happened, without the code written into the words', () => {
    expect(sendErrorFromResponse(400, 63016, undefined)).toMatchObject({ providerCode: 63016, reason: 'Twilio refused the message (HTTP 400)' });
  });

  test("an unknown 4xx code is permanent and keeps Twilio's message; the code stays out of the text", () => {
    const error = classifySendError(restException(400, { status: 400, code: 21602, message: 'Message body is required.', more_info: '' }));
    expect(error).toMatchObject({ permanent: true, providerCode: 21602 });
    expect(error.reason).toBe('Twilio refused the message (HTTP 400): Message body is required.');
  });

  test('a known rate-limit code stays transient even on a 4xx', () => {
    expect(classifySendError(restException(400, { status: 400, code: 63018, message: 'rate', more_info: '' })).permanent).toBe(false);
  });

  test('a non-JSON error answer is classified by status alone', () => {
    expect(classifySendError(restException(502, '<html>Bad gateway</html>'))).toMatchObject({ permanent: false, status: 502 });
    expect(classifySendError(restException(404, 'not found'))).toMatchObject({ permanent: true, status: 404 });
  });

  test('network errors and timeouts are transient', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { isAxiosError: true, code: 'ECONNREFUSED' });
    const timeout = Object.assign(new Error('timeout of 100ms exceeded'), { isAxiosError: true, code: 'ECONNABORTED' });
    expect(classifySendError(refused)).toMatchObject({ permanent: false, reason: 'Could not reach Twilio (ECONNREFUSED): the message will be retried' });
    expect(classifySendError(timeout)).toMatchObject({ permanent: false, reason: 'Twilio did not answer in time: the message will be checked with Twilio, then retried if it did not arrive' });
  });

  test('ambiguous: a timeout, a dropped connection, a 5xx or an unknown error may have reached Twilio; a refused connection or a 4xx did not', () => {
    const network = (code: string, message = code) => Object.assign(new Error(message), { isAxiosError: true, code });
    expect(classifySendError(network('ECONNABORTED', 'timeout of 8000ms exceeded')).ambiguous).toBe(true);
    expect(classifySendError(network('ECONNRESET', 'socket hang up')).ambiguous).toBe(true);
    expect(classifySendError(network('EPIPE')).ambiguous).toBe(true);
    expect(classifySendError(restException(500, { status: 500, code: 20500, message: 'x' })).ambiguous).toBe(true);
    expect(classifySendError(new TypeError('boom')).ambiguous).toBe(true);
    expect(classifySendError(network('ECONNREFUSED')).ambiguous).toBe(false);
    expect(classifySendError(network('ENOTFOUND')).ambiguous).toBe(false);
    expect(classifySendError(restException(429, { status: 429, code: 20429, message: 'x' })).ambiguous).toBe(false);
    expect(classifySendError(restException(400, { status: 400, code: 63016, message: 'x' })).ambiguous).toBe(false);
  });

  test('a SendError passes through unchanged; anything else is transient', () => {
    const original = new SendError({ permanent: true, reason: 'no' });
    expect(classifySendError(original)).toBe(original);
    expect(classifySendError(new TypeError('boom'))).toMatchObject({ permanent: false, ambiguous: true, reason: 'Unexpected error while sending: boom' });
  });

  test('keeps the original error as the cause', () => {
    const cause = restException(500, { status: 500, code: 20500, message: 'x' });
    expect(classifySendError(cause).cause).toBe(cause);
  });
});

describe('sendErrorFromResponse', () => {
  test('a 5xx reason says it will be retried', () => {
    expect(sendErrorFromResponse(503, undefined, undefined).reason).toBe('Twilio is having trouble (HTTP 503): the message will be retried');
  });
});
