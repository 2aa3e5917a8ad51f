/** @module server/realtime/topics.test — which list tabs a pushed row belongs in, the "waiting for us" tab included. */
import { expect, test } from 'bun:test';
import { LIST_STATUSES, rowMatches } from './topics';

test('a row belongs in the waiting tab while its aspirant waits and it is neither closed nor archived; every status tab by its status', () => {
  const since = new Date(0);
  expect(LIST_STATUSES).toContain('waiting');
  expect(rowMatches({ status: 'open', waitingSince: since }, 'waiting')).toBe(true);
  expect(rowMatches({ status: 'needs_attention', waitingSince: since }, 'waiting')).toBe(true);
  expect(rowMatches({ status: 'open', waitingSince: null }, 'waiting')).toBe(false);
  expect(rowMatches({ status: 'closed', waitingSince: since }, 'waiting')).toBe(false);
  expect(rowMatches({ status: 'archived', waitingSince: since }, 'waiting')).toBe(false);
  expect(rowMatches({ status: 'archived', waitingSince: null }, 'any')).toBe(false);
  expect(rowMatches({ status: 'closed', waitingSince: null }, 'any')).toBe(true);
  expect(rowMatches({ status: 'open', waitingSince: null }, 'open')).toBe(true);
  expect(rowMatches({ status: 'open', waitingSince: null }, 'new')).toBe(false);
});
