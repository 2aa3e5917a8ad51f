/** @module server/push/vapid.test — the VAPID pair: from the environment, or generated once into the data folder (0600) and shared by every process there. */
import { describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { tempDir } from '../../test/support/temp';
import { resolveVapid, VAPID_FILE, VapidFileError } from './vapid';

const PAIR = { publicKey: 'BKX0tBfRqrg5F5d49QeQdLjzNvRzpyBEuBgP-1gfgRfcMIicWVlbkAxCFMNXHjFEkglQn-6qEmWGH8vtjnilWQo', privateKey: 'QKwRRL1QNrTFAYmUkod0iCJhHHzUU3KGKn31HTuyYmM' };

describe('resolveVapid', () => {
  test('generates a pair once into vapid.json with mode 0600, reuses it, and leaves no temporary file', () => {
    using dir = tempDir('wasap-vapid-');
    const config = loadConfig({ WASAP_DATA_DIR: dir.path, PUBLIC_URL: 'https://wasap.agency.co' });
    const first = resolveVapid(config);
    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(first.privateKey, 'base64url')).toHaveLength(32);
    expect(first.subject).toBe('https://wasap.agency.co');
    const file = join(dir.path, VAPID_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ publicKey: first.publicKey, privateKey: first.privateKey });
    expect(resolveVapid(config)).toEqual(first);
    expect(readdirSync(dir.path)).toEqual([VAPID_FILE]);
  });

  test('two processes starting at once on one data folder end up with the same pair (the first one written)', async () => {
    using dir = tempDir('wasap-vapid-');
    const script = `import { loadConfig } from '${join(import.meta.dir, '..', 'config')}'; import { resolveVapid } from '${join(import.meta.dir, 'vapid')}'; process.stdout.write(resolveVapid(loadConfig({ WASAP_DATA_DIR: ${JSON.stringify(dir.path)} })).publicKey);`;
    const runs = Array.from({ length: 4 }, () => Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe' }));
    const keys = await Promise.all(runs.map((run) => new Response(run.stdout).text()));
    expect(new Set(keys).size).toBe(1);
    expect(JSON.parse(readFileSync(join(dir.path, VAPID_FILE), 'utf8')).publicKey).toBe(keys[0]);
  });

  test('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY win, and no file is written', () => {
    using dir = tempDir('wasap-vapid-');
    const config = loadConfig({ WASAP_DATA_DIR: dir.path, VAPID_PUBLIC_KEY: PAIR.publicKey, VAPID_PRIVATE_KEY: PAIR.privateKey, VAPID_SUBJECT: 'mailto:ops@agency.co' });
    expect(resolveVapid(config)).toEqual({ ...PAIR, subject: 'mailto:ops@agency.co' });
    expect(readdirSync(dir.path)).toEqual([]);
  });

  test('a damaged vapid.json is an error that says how to recover, not a silent new pair', () => {
    using dir = tempDir('wasap-vapid-');
    writeFileSync(join(dir.path, VAPID_FILE), '{"publicKey":"x"}');
    expect(() => resolveVapid(loadConfig({ WASAP_DATA_DIR: dir.path }))).toThrow(VapidFileError);
  });
});
