/** @module server/whatsapp/meta/errors.test — Meta's failures classified by code first: final, retried later, or ambiguous; Meta's words kept apart from the code and from the token. */
import { describe, expect, test } from 'bun:test';
import { SendError } from '../send-errors';
import { classifyMetaError, sendErrorFromGraph } from './errors';
import { GraphFailure, isGraphUrl, parseGraphError, type GraphConfig } from './graph';

const answer = (status: number, code?: number, message = 'x', details?: string) => sendErrorFromGraph(status, { ...(code === undefined ? {} : { code }), message, ...(details ? { details } : {}) });

describe('sendErrorFromGraph', () => {
  test.each([
    [131047, 'outside the 24-hour window'],
    [131026, 'undeliverable'],
    [131049, 'healthy ecosystem'],
    [131050, 'stopped marketing'],
    [130472, 'experiment'],
    [100, 'invalid parameter'],
    [131051, 'unsupported type'],
    [131052, 'media download'],
    [131053, 'media upload'],
    [132000, 'template params'],
    [132001, 'template missing'],
    [132015, 'template paused'],
    [132016, 'template disabled'],
    [132099, 'a template code we do not list'],
    [368, 'blocked'],
  ])('%i (%s) is final', (code) => {
    expect(answer(400, code)).toMatchObject({ permanent: true, ambiguous: false, providerCode: code, status: 400 });
  });

  test('190, the token, is final even though it is an authorisation failure an admin can fix', () => {
    expect(answer(401, 190, 'Error validating access token: Session has expired')).toMatchObject({ permanent: true, ambiguous: false, providerCode: 190 });
  });

  test.each([
    [131056, 400, 'pair rate limit'],
    [130429, 400, 'throughput'],
    [130429, 429, 'throughput as 429'],
    [80007, 400, 'WABA rate limit'],
    [4, 400, 'app call limit'],
    [613, 429, 'call rate limit'],
    [131048, 400, 'spam rate limit'],
    [1, 400, 'unknown'],
    [131000, 400, 'generic'],
  ])('%i with HTTP %i (%s) is retried later, not final, and Meta did not take it', (code, status) => {
    expect(answer(status, code)).toMatchObject({ permanent: false, ambiguous: false, providerCode: code });
  });

  test('a 5xx that is not final is ambiguous: Meta may have created the message', () => {
    expect(answer(500, 131000)).toMatchObject({ permanent: false, ambiguous: true });
    expect(answer(503, 2)).toMatchObject({ permanent: false, ambiguous: true });
    expect(sendErrorFromGraph(502, undefined)).toMatchObject({ permanent: false, ambiguous: true, reason: 'Meta could not take the message now (HTTP 502): it will be retried' });
  });

  test('unknown codes: is_transient when Meta says, else the HTTP status', () => {
    expect(sendErrorFromGraph(400, { code: 999999, is_transient: true })).toMatchObject({ permanent: false, ambiguous: false });
    expect(sendErrorFromGraph(400, { code: 999999 })).toMatchObject({ permanent: true });
    expect(sendErrorFromGraph(429, { code: 999999 })).toMatchObject({ permanent: false });
    expect(sendErrorFromGraph(401, { code: 0, message: 'AuthException' })).toMatchObject({ permanent: true });
  });

  test('reasons: Meta’s words without its (#code) title prefix, with error_data.details; our preamble only for unknown codes; never the token', () => {
    expect(answer(400, 131047, '(#131047) Re-engagement message', 'Message failed to send because more than 24 hours have passed').reason).toBe(
      'Re-engagement message: Message failed to send because more than 24 hours have passed',
    );
    expect(answer(400, 999999, '(#999999) Something new').reason).toBe('Meta refused the message (HTTP 400): Something new');
    expect(sendErrorFromGraph(400, { code: 131047 }).reason).toBe('Meta refused the message (HTTP 400)');
    expect(sendErrorFromGraph(401, { code: 190, message: 'Bad token EAAGsecret' }, 'EAAGsecret').reason).toBe('Bad token ***');
  });
});

describe('classifyMetaError: requests without an answer', () => {
  test('refused: never reached Meta, retried; timeout and dropped: Meta may have it (ambiguous)', () => {
    expect(classifyMetaError(new GraphFailure('refused', 'x', undefined, undefined, 'ECONNREFUSED'))).toMatchObject({ permanent: false, ambiguous: false });
    expect(classifyMetaError(new GraphFailure('timeout', 'x'))).toMatchObject({ permanent: false, ambiguous: true });
    expect(classifyMetaError(new GraphFailure('dropped', 'x', undefined, undefined, 'ECONNRESET'))).toMatchObject({ permanent: false, ambiguous: true });
    expect(classifyMetaError(new GraphFailure('unreadable', 'x', 200))).toMatchObject({ permanent: false, ambiguous: true });
  });

  test('a SendError passes through; anything else is ambiguous, and the token is scrubbed from it', () => {
    const own = new SendError({ permanent: true, reason: 'ours' });
    expect(classifyMetaError(own)).toBe(own);
    const odd = classifyMetaError(new Error('boom with EAAGsecret'), 'EAAGsecret');
    expect(odd).toMatchObject({ permanent: false, ambiguous: true, reason: 'Unexpected error while sending through Meta: boom with ***' });
  });
});

describe('graph helpers', () => {
  test('parseGraphError reads Graph’s envelope field by field and ignores the rest', () => {
    expect(
      parseGraphError({
        error: { message: '(#131056) pair rate limit hit', type: 'OAuthException', code: 131056, error_subcode: '2494055', error_data: { details: 'too many' }, fbtrace_id: 'AbC', is_transient: true },
      }),
    ).toEqual({ message: '(#131056) pair rate limit hit', type: 'OAuthException', code: 131056, error_subcode: 2494055, details: 'too many', fbtrace_id: 'AbC', is_transient: true });
    expect(parseGraphError({ error: { code: 'not a number', message: 42 } })).toEqual({});
    expect(parseGraphError({ nope: true })).toBeUndefined();
    expect(parseGraphError(null)).toBeUndefined();
  });

  test('the token goes only to the configured Graph origin, under its path prefix', () => {
    const graph = { graphUrl: 'https://gw.example.co/graph' } as GraphConfig;
    expect(isGraphUrl(graph, new URL('https://gw.example.co/graph/v26.0/1/messages'))).toBe(true);
    expect(isGraphUrl(graph, new URL('https://gw.example.co/other/v26.0'))).toBe(false);
    expect(isGraphUrl(graph, new URL('https://gw.example.co/graphx/v26.0'))).toBe(false);
    expect(isGraphUrl(graph, new URL('http://gw.example.co/graph/v26.0'))).toBe(false);
    expect(isGraphUrl({ graphUrl: 'https://graph.facebook.com' } as GraphConfig, new URL('https://graph.facebook.com.evil.example/v26.0'))).toBe(false);
  });
});
