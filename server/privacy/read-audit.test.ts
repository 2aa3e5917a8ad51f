/** @module server/privacy/read-audit.test — which requests are reads, and a failed write logged and counted, never thrown. */
import { describe, expect, test } from 'bun:test';
import type { Db } from '../db/client';
import { createLogger } from '../logger';
import { createMetrics } from '../metrics';
import { createReadAudit, inboxReads, mediaReadAction } from './read-audit';

const request = (path: string, headers: Record<string, string> = {}) => new Request(`http://localhost${path}`, { headers });

describe('inboxReads', () => {
  test('an open is a conversation shown; a search is terms given; pages and list-only swaps are neither', () => {
    expect(inboxReads(request('/inbox/4'), {}, 4)).toEqual([{ action: 'conversation.opened', conversationId: 4 }]);
    expect(inboxReads(request('/inbox/4'), { before: '9' }, 4)).toEqual([]);
    expect(inboxReads(request('/inbox/4'), { cursor: 'c' }, 4)).toEqual([]);
    expect(inboxReads(request('/inbox'), { q: '  ana  ' })).toEqual([{ action: 'search', details: { q: 'ana' } }]);
    expect(inboxReads(request('/inbox'), { q: 'ana', cursor: 'c' })).toEqual([]);
    expect(inboxReads(request('/inbox'), { q: '   ' })).toEqual([]);
    // A conversation opened from a list of results is an open, not the search again; typing beside it is the search alone.
    expect(inboxReads(request('/inbox/4'), { q: 'ana' }, 4)).toEqual([{ action: 'conversation.opened', conversationId: 4 }]);
    expect(inboxReads(request('/inbox/4', { 'hx-request': 'true', 'hx-target': 'ul#conv-list' }), { q: 'ana' }, 4)).toEqual([{ action: 'search', details: { q: 'ana' } }]);
    expect(inboxReads(request('/inbox/4', { 'hx-request': 'true', 'hx-target': 'div#conv-list-more' }), {}, 4)).toEqual([]);
  });
});

describe('mediaReadAction', () => {
  test('inline types are views, attachments and ?download=1 downloads, a player reading further is nothing', () => {
    expect(mediaReadAction(request('/media/1'), 'image/jpeg')).toBe('media.viewed');
    expect(mediaReadAction(request('/media/1?download=1'), 'image/jpeg')).toBe('media.downloaded');
    expect(mediaReadAction(request('/media/1?download=0'), 'image/jpeg')).toBe('media.viewed');
    expect(mediaReadAction(request('/media/1'), 'application/pdf')).toBe('media.downloaded');
    expect(mediaReadAction(request('/media/1'), 'image/svg+xml')).toBe('media.downloaded');
    expect(mediaReadAction(request('/media/1', { range: 'bytes=0-' }), 'video/mp4')).toBe('media.viewed');
    expect(mediaReadAction(request('/media/1', { range: 'bytes=0-99' }), 'video/mp4')).toBe('media.viewed');
    expect(mediaReadAction(request('/media/1', { range: 'bytes=100-' }), 'video/mp4')).toBeNull();
    expect(mediaReadAction(request('/media/1', { range: 'bytes=-500' }), 'video/mp4')).toBeNull();
  });
});

describe('createReadAudit', () => {
  test('a write that fails is logged and counted, and the caller never sees it', async () => {
    const lines: string[] = [];
    const metrics = createMetrics();
    const failing = {
      insert: () => ({ values: () => Promise.reject(new Error('relation "read_audit" is locked')) }),
    } as unknown as Db;
    const audit = createReadAudit({ db: failing, logger: createLogger('debug', (line) => lines.push(line)), metrics });
    expect(() => audit.record({ id: 3, email: 'ana@agency.co' }, { action: 'media.viewed', mediaId: 7, conversationId: 2 })).not.toThrow();
    await audit.idle();
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'error', msg: 'read not recorded in read_audit', action: 'media.viewed', mediaId: 7, conversationId: 2, userId: 3 }),
    ]);
    expect(await metrics.render()).toContain('wasap_read_audit_failures_total 1');
  });
});
