/** @module test/preload — runs before every test file: quiet logs, and the shared PGlite closed at the end. */
import { afterAll } from 'bun:test';
import { closeBase } from './support/db';

process.env.LOG_LEVEL ??= 'silent';

afterAll(async () => {
  await closeBase();
});
