/**
 * @module test/privacy/hardening-ids.test — an id in a path that is not a whole number from 1 to 2^31−1 (1.5, −1, 0,
 * 99999999999, abc) is refused with a 4xx on every panel, privacy and inbox route that takes one, never a 500.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { testApp, type TestApp } from '../support/app';
import { get, person, post, type Person } from './support';

const BAD_IDS = ['1.5', '-1', '0', '99999999999', 'abc'];

/** [method, path with :id, form fields of a valid post]. */
const ROUTES: [string, string, Record<string, string>][] = [
  ['GET', '/privacy/conversations/:id/consent', {}],
  ['POST', '/privacy/conversations/:id/consent', { scope: 'treatment', decision: 'revocation', note: 'x' }],
  ['GET', '/privacy/conversations/:id/sensitive', {}],
  ['GET', '/privacy/conversations/:id/reads', {}],
  ['GET', '/privacy/conversations/:id/requests', {}],
  ['POST', '/privacy/conversations/:id/requests', { right: 'access' }],
  ['GET', '/privacy/conversations/:id/minors', {}],
  ['POST', '/privacy/conversations/:id/minors/resend', {}],
  ['GET', '/admin/privacy/requests/:id', {}],
  ['POST', '/admin/privacy/requests/:id/tag', {}],
  ['POST', '/admin/privacy/requests/:id/extend', { reason: 'x' }],
  ['POST', '/admin/privacy/requests/:id/resolve', { status: 'done', resolution: 'x' }],
  ['GET', '/inbox/:id', {}],
  ['GET', '/inbox/:id/messages', {}],
  ['POST', '/inbox/:id/status', { status: 'open' }],
  ['POST', '/inbox/:id/assign', { assigneeId: '' }],
  ['POST', '/inbox/:id/notes', { body: 'x' }],
  ['POST', '/inbox/:id/bot/resume', {}],
  ['GET', '/media/:id', {}],
  ['POST', '/media/:id/retry', {}],
  ['POST', '/admin/canned/:id', { title: 'x', body: 'x' }],
  ['POST', '/admin/canned/:id/delete', {}],
];

describe('ids in paths', () => {
  let t: TestApp;
  let admin: Person;
  beforeAll(async () => {
    t = await testApp();
    admin = await person(t, 'Ada', 'admin');
  });
  afterAll(async () => {
    await t[Symbol.asyncDispose]();
  });

  test.each(ROUTES)('%s %s refuses ids that are not whole numbers in range with a 4xx', async (method, path, fields) => {
    for (const id of BAD_IDS) {
      const url = path.replace(':id', encodeURIComponent(id));
      const response = method === 'GET' ? await get(t, admin, url) : await post(t, admin, url, fields);
      expect({ url, status: response.status >= 400 && response.status < 500 }).toEqual({ url, status: true });
    }
  });
});
