/** @module server/logger.test — one JSON line per event; errors without stacks, query parameters (personal data) or a hidden cause. */
import { expect, test } from 'bun:test';
import { createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, logger: createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)) };
}

test('a failed query is logged with its statement and root cause, never its parameters', () => {
  const { lines, logger } = capture();
  const driver = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const wrapped = new Error('Failed query: insert into messages (body, to) values ($1, $2)\nparams: Hola soy Valentina,+573005550001', { cause: driver });
  logger.warn('commit failed', { err: wrapped });
  expect(lines[0]).toMatchObject({
    level: 'warn',
    msg: 'commit failed',
    err: { name: 'Error', message: 'Failed query: insert into messages (body, to) values ($1, $2)', cause: { message: 'connect ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED' } },
  });
  expect(JSON.stringify(lines)).not.toContain('+573005550001');
  expect(JSON.stringify(lines)).not.toContain('Valentina');
});

test('levels below the threshold are dropped; plain fields pass through', () => {
  const { lines, logger } = capture();
  logger.debug('hidden');
  logger.info('shown', { route: '/inbox', n: 2 });
  expect(lines).toEqual([expect.objectContaining({ level: 'info', msg: 'shown', route: '/inbox', n: 2 })]);
});
