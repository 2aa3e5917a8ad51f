/** @module server/private-files.test — the private umask and folders: what is created under them only its owner can read. */
import { afterEach, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../test/support/temp';
import { privateFolder, usePrivateUmask } from './private-files';

const mode = (path: string) => statSync(path).mode & 0o777;
const before = process.umask();
afterEach(() => void process.umask(before));

describe('private files', () => {
  test('under the private umask a new file is 0600 and a new folder 0700, from a shell umask of 022', () => {
    using dir = tempDir();
    process.umask(0o022);
    expect(usePrivateUmask()).toBe(0o022);
    writeFileSync(join(dir.path, 'file'), 'personal');
    mkdirSync(join(dir.path, 'folder'));
    expect([mode(join(dir.path, 'file')), mode(join(dir.path, 'folder'))]).toEqual([0o600, 0o700]);
  });

  test('privateFolder creates a missing folder 0700 and tightens an existing one', () => {
    using dir = tempDir();
    process.umask(0o022);
    privateFolder(join(dir.path, 'a', 'b'));
    expect(mode(join(dir.path, 'a', 'b'))).toBe(0o700);
    const open = join(dir.path, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    privateFolder(open);
    expect(mode(open)).toBe(0o700);
  });
});
