/** @module server/auth/csrf.test — token comparison and the redirect rule. */
import { describe, expect, test } from 'bun:test';
import { checkCsrf, isLocalPath, safeNext } from './csrf';

describe('checkCsrf', () => {
  const session = { csrfToken: 'abcDEF123_-' };
  test('accepts only the exact token', () => {
    expect(checkCsrf(session, 'abcDEF123_-')).toBe(true);
    expect(checkCsrf(session, 'abcDEF123_x')).toBe(false);
    expect(checkCsrf(session, 'abc')).toBe(false);
    expect(checkCsrf(session, '')).toBe(false);
    expect(checkCsrf(session, undefined)).toBe(false);
    expect(checkCsrf(session, ['abcDEF123_-'])).toBe(false);
    expect(checkCsrf(null, 'abcDEF123_-')).toBe(false);
  });
});

describe('isLocalPath', () => {
  test('local paths pass; other hosts and tricks do not', () => {
    for (const ok of ['/', '/inbox', '/conversations/4?tab=notes#x', '/a//b']) expect(isLocalPath(ok)).toBe(true);
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'inbox', '', '/a\\b', '/x\r\nSet-Cookie: a=b', 42]) {
      expect(isLocalPath(bad)).toBe(false);
    }
    expect(safeNext('//evil.example')).toBe('/inbox');
    expect(safeNext('/admin/users')).toBe('/admin/users');
  });
});
