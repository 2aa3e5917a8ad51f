/**
 * @module server/push/vapid — the server's VAPID identity (RFC 8292, Voluntary Application Server Identification):
 * the P-256 key pair whose public half browsers subscribe with (`applicationServerKey`) and whose private half signs
 * the ES256 token every push carries, so a push service accepts pushes for a subscription only from this server.
 */
import { closeSync, fchmodSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateVAPIDKeys } from 'web-push';
import type { Config, VapidKeys } from '../config';

export const VAPID_FILE = 'vapid.json';

export interface Vapid extends VapidKeys {
  /** The contact in every token (`sub`): a mailto: or https: URL. */
  subject: string;
}

/** The data folder's vapid.json is there but is not a key pair this server wrote. */
export class VapidFileError extends Error {
  readonly code = 'VAPID_FILE_INVALID' as const;
  constructor(file: string) {
    super(`${file} is not a VAPID key pair ({"publicKey","privateKey"} in base64url): remove it to generate a new one (browsers then subscribe again), or set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY`);
  }
}

function parse(text: string): VapidKeys | undefined {
  try {
    const { publicKey, privateKey } = JSON.parse(text) as Partial<VapidKeys>;
    const valid = (key: unknown, bytes: number): key is string => typeof key === 'string' && /^[A-Za-z0-9_-]+$/.test(key) && Buffer.from(key, 'base64url').length === bytes;
    return valid(publicKey, 65) && valid(privateKey, 32) ? { publicKey, privateKey } : undefined;
  } catch {
    return undefined;
  }
}

function readKeys(file: string): VapidKeys {
  const keys = parse(readFileSync(file, 'utf8'));
  if (!keys) throw new VapidFileError(file);
  return keys;
}

/**
 * Writes `keys` to `file` unless it exists, without a lock: the pair goes into a private temporary file (mode 0600)
 * that is then hard-linked to the final name, which fails if another process got there first. Either way the file
 * holds one complete pair and every process sharing the folder ends up using the same one (a rename would let the
 * last writer win, and the processes would disagree).
 * @returns false when the file already existed.
 */
function createExclusively(file: string, keys: VapidKeys): boolean {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(keys)}\n`);
      fchmodSync(fd, 0o600);
    } finally {
      closeSync(fd);
    }
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when set (checked as a pair by loadConfig), or the pair generated once into
 * `$WASAP_DATA_DIR/vapid.json` (mode 0600, like the data folder's `secret`) and read from there afterwards.
 * Processes that share a database but not a data folder must be given the same pair through the environment: a
 * subscription made with one process's key is refused by its push service when another process signs.
 * @throws the file system's error (a data folder that cannot be written), or VapidFileError for a damaged file.
 */
export function resolveVapid(config: Config): Vapid {
  if (config.vapidKeys) return { ...config.vapidKeys, subject: config.vapidSubject };
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, VAPID_FILE);
  let keys: VapidKeys;
  try {
    keys = readKeys(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const generated = generateVAPIDKeys();
    keys = createExclusively(file, generated) ? generated : readKeys(file);
  }
  return { ...keys, subject: config.vapidSubject };
}
