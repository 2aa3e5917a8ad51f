/** @module server/config — every environment variable, parsed and validated in one place. */
import { mkdirSync, readFileSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createECDH, randomBytes } from 'node:crypto';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  whatsappFrom?: string;
  messagingServiceSid?: string;
  apiUrl?: string;
  maxMps: number;
  /** TWILIO_TIMEOUT_MS: per-request timeout of the API client; an unanswered send is then reconciled, never re-sent blind. */
  timeoutMs: number;
}

/** An approved WhatsApp template (Twilio Content API) recruiters may send outside the 24-hour window. */
export interface TemplateConfig {
  sid: string;
  name: string;
  preview: string;
}

export interface S3Config {
  bucket: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
}

/** A VAPID key pair (RFC 8292) on P-256, each key base64url without padding as browsers and web-push take them. */
export interface VapidKeys {
  /** The uncompressed public point: 65 bytes (0x04 ‖ x ‖ y), 87 characters. Browsers get it as `applicationServerKey`. */
  publicKey: string;
  /** The private scalar: 32 bytes, 43 characters. */
  privateKey: string;
}

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  trustProxy: boolean;
  databaseUrl?: string;
  /** Postgres only: parameterised queries as prepared statements (off behind a pooler that cannot keep them). */
  databasePrepare: boolean;
  dataDir: string;
  /** WASAP_SECRET when set; otherwise resolveSecret() reads (or creates) the one in the data folder. */
  secret?: string;
  logLevel: LogLevel;
  autoMigrate: boolean;
  actorIdleMs: number;
  mediaMaxBytes: number;
  twilio?: TwilioConfig;
  s3?: S3Config;
  formWebhookSecret?: string;
  metricsToken?: string;
  agencyName: string;
  privacyPolicyUrl: string;
  formLinkTtlMs: number;
  templates: TemplateConfig[];
  /** VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when set; otherwise server/push/vapid reads (or creates) `vapid.json` in the data folder. */
  vapidKeys?: VapidKeys;
  /** VAPID_SUBJECT: the contact push services see in every VAPID token (RFC 8292 `sub`), a mailto: or https: URL. */
  vapidSubject: string;
}

/** A configuration problem: one line naming the variable and what it expects. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
  constructor(
    readonly variable: string,
    expected: string,
    value?: string,
  ) {
    super(`${variable}: expected ${expected}${value === undefined ? '' : `, got ${JSON.stringify(value)}`}`);
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `an integer from ${min} to ${max}`, raw);
  }
  return Number(raw);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `a URL (${protocols.join(' or ')})`, redactUrl(raw));
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`, redactUrl(raw));
  }
  return raw;
}

/** Never echo a password from a connection string back into a log line. */
function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}

/** Whether `path` is a readable file holding at least one PEM certificate. */
function isPemFile(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').includes('-----BEGIN CERTIFICATE-----');
  } catch {
    return false;
  }
}

function twilioConfig(env: Env): TwilioConfig | undefined {
  const names = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'] as const;
  const sid = read(env, names[0]);
  const token = read(env, names[1]);
  const from = read(env, 'TWILIO_WHATSAPP_FROM');
  const service = read(env, 'TWILIO_MESSAGING_SERVICE_SID');
  const apiUrl = url(env, 'TWILIO_API_URL', ['http:', 'https:']);
  const maxMps = integer(env, 'TWILIO_MAX_MPS', 10, 1, 1000);
  // Twilio answers a send in well under a second; 8 s (the client's own default is 30 s) keeps one stuck request
  // from holding its conversation for long.
  const timeoutMs = integer(env, 'TWILIO_TIMEOUT_MS', 8000, 100, 60_000);
  // Read by twilio's client (and ours on fetch, server/whatsapp/twilio-http) at the first request: checked now.
  const caBundle = read(env, 'TWILIO_CA_BUNDLE');
  if (caBundle !== undefined && !isPemFile(caBundle)) throw new ConfigError('TWILIO_CA_BUNDLE', 'a readable PEM file of certificate authorities', caBundle);
  if (!sid && !token && !from && !service) return undefined;
  if (!sid || !/^AC[0-9a-fA-F]{32}$/.test(sid)) {
    throw new ConfigError(names[0], 'AC followed by 32 hex digits (set all Twilio settings or none)', sid);
  }
  if (!token) throw new ConfigError(names[1], 'the auth token of the account (set all Twilio settings or none)');
  if (!from && !service) {
    throw new ConfigError('TWILIO_WHATSAPP_FROM', 'whatsapp:+E164 sender, or TWILIO_MESSAGING_SERVICE_SID');
  }
  if (from && !/^whatsapp:\+[1-9]\d{7,14}$/.test(from)) {
    throw new ConfigError('TWILIO_WHATSAPP_FROM', 'whatsapp:+<country code><number>', from);
  }
  if (service && !/^MG[0-9a-fA-F]{32}$/.test(service)) {
    throw new ConfigError('TWILIO_MESSAGING_SERVICE_SID', 'MG followed by 32 hex digits', service);
  }
  return { accountSid: sid, authToken: token, whatsappFrom: from, messagingServiceSid: service, apiUrl, maxMps, timeoutMs };
}

function s3Config(env: Env): S3Config | undefined {
  const bucket = read(env, 'S3_BUCKET');
  const endpoint = url(env, 'S3_ENDPOINT', ['http:', 'https:']);
  const region = read(env, 'S3_REGION') ?? read(env, 'AWS_REGION');
  const forcePathStyle = boolean(env, 'S3_FORCE_PATH_STYLE', false);
  if (!bucket) {
    if (endpoint || read(env, 'S3_REGION')) throw new ConfigError('S3_BUCKET', 'a bucket name when S3_ENDPOINT or S3_REGION is set');
    return undefined;
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigError('S3_BUCKET', 'an S3 bucket name', bucket);
  if (!region) throw new ConfigError('S3_REGION', 'the bucket region (or AWS_REGION) when S3_BUCKET is set');
  return { bucket, endpoint, region, forcePathStyle };
}

/** TWILIO_TEMPLATES: a JSON list of {"sid":"HX…","name":"…","preview":"…"}. */
function templates(env: Env): TemplateConfig[] {
  const raw = read(env, 'TWILIO_TEMPLATES');
  if (raw === undefined) return [];
  const expected = 'a JSON list of {"sid":"HX<32 hex>","name":"…","preview":"…"}';
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new ConfigError('TWILIO_TEMPLATES', expected);
  }
  const valid = (item: unknown): item is TemplateConfig => {
    const t = item as Partial<TemplateConfig>;
    return typeof t?.sid === 'string' && /^HX[0-9a-fA-F]{32}$/.test(t.sid) && typeof t.name === 'string' && t.name.length > 0 && typeof t.preview === 'string';
  };
  if (!Array.isArray(list) || !list.every(valid)) throw new ConfigError('TWILIO_TEMPLATES', expected);
  return list.map(({ sid, name, preview }) => ({ sid, name, preview }));
}

/** `7d`, `48h`, `90m`, `3600s` or a plain number of seconds. */
function duration(env: Env, name: string, fallbackMs: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallbackMs;
  const match = /^(\d+)\s*(d|h|m|s)?$/i.exec(raw);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[(match?.[2] ?? 's').toLowerCase() as 'd' | 'h' | 'm' | 's'];
  const ms = match ? Number(match[1]) * unit : NaN;
  if (!(ms >= 60_000 && ms <= 90 * 86_400_000)) throw new ConfigError(name, 'a duration from 1m to 90d, like 7d, 48h or 90m', raw);
  return ms;
}

/** Bytes of a base64url text without padding, or undefined when it is not exactly that (a padded or standard-base64 key). */
function base64urlBytes(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY: both or neither, each of the right size, and one pair (a mismatch would fail every push). */
function vapidKeys(env: Env): VapidKeys | undefined {
  const publicKey = read(env, 'VAPID_PUBLIC_KEY');
  const privateKey = read(env, 'VAPID_PRIVATE_KEY');
  if (publicKey === undefined && privateKey === undefined) return undefined;
  const pair = 'a pair from `npx web-push generate-vapid-keys` (set both or neither)';
  if (publicKey === undefined) throw new ConfigError('VAPID_PUBLIC_KEY', `the public key of VAPID_PRIVATE_KEY, ${pair}`);
  if (privateKey === undefined) throw new ConfigError('VAPID_PRIVATE_KEY', `the private key of VAPID_PUBLIC_KEY, ${pair}`);
  const point = base64urlBytes(publicKey);
  if (point?.length !== 65 || point[0] !== 4) throw new ConfigError('VAPID_PUBLIC_KEY', 'a P-256 public key: 65 bytes in base64url without padding (87 characters)', publicKey);
  const scalar = base64urlBytes(privateKey);
  // The private key is never echoed.
  if (scalar?.length !== 32) throw new ConfigError('VAPID_PRIVATE_KEY', 'a P-256 private key: 32 bytes in base64url without padding (43 characters)');
  let derived: Buffer | undefined;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(scalar);
    derived = ecdh.getPublicKey();
  } catch {
    derived = undefined;
  }
  if (!derived?.equals(point)) throw new ConfigError('VAPID_PRIVATE_KEY', `the private key of VAPID_PUBLIC_KEY (these are from different pairs): ${pair}`);
  return { publicKey, privateKey };
}

/**
 * VAPID_SUBJECT, or PUBLIC_URL when it is https on a real host (Apple's push service refuses a localhost subject), else
 * `mailto:wasap@<PUBLIC_URL's host>` — the push services' way to reach whoever runs this server.
 */
function vapidSubject(env: Env, publicUrl: string): string {
  const raw = read(env, 'VAPID_SUBJECT');
  const expected = 'a mailto: address (mailto:ops@agency.co) or an https: URL that reaches whoever runs this server';
  if (raw === undefined) {
    const { protocol, hostname } = new URL(publicUrl);
    return protocol === 'https:' && hostname !== 'localhost' ? publicUrl : `mailto:wasap@${hostname}`;
  }
  const parsed = URL.parse(raw);
  const valid = parsed?.protocol === 'https:' ? parsed.hostname !== '' : parsed?.protocol === 'mailto:' && /^[^@\s]+@[^@\s]+$/.test(parsed.pathname);
  if (!valid) throw new ConfigError('VAPID_SUBJECT', expected, raw);
  return raw;
}

function logLevel(env: Env): LogLevel {
  const raw = read(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new ConfigError('LOG_LEVEL', LOG_LEVELS.join(', '), raw);
  return raw as LogLevel;
}

/** Parses the environment; throws ConfigError on the first bad value. */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = read(env, 'HOST') ?? '0.0.0.0';
  const publicUrl = (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const secret = read(env, 'WASAP_SECRET');
  if (secret !== undefined && secret.length < 32) throw new ConfigError('WASAP_SECRET', 'at least 32 characters');
  const formWebhookSecret = read(env, 'FORM_WEBHOOK_SECRET');
  if (formWebhookSecret !== undefined && formWebhookSecret.length < 16) {
    throw new ConfigError('FORM_WEBHOOK_SECRET', 'at least 16 characters');
  }
  return {
    port,
    host,
    publicUrl,
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    databaseUrl,
    databasePrepare: boolean(env, 'DATABASE_PREPARE', true),
    dataDir: resolve(read(env, 'WASAP_DATA_DIR') ?? './data'),
    secret,
    logLevel: logLevel(env),
    autoMigrate: boolean(env, 'WASAP_AUTO_MIGRATE', true),
    actorIdleMs: integer(env, 'ACTOR_IDLE_MS', 600_000, 1_000, 86_400_000),
    mediaMaxBytes: integer(env, 'MEDIA_MAX_BYTES', 16 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    twilio: twilioConfig(env),
    s3: s3Config(env),
    formWebhookSecret,
    metricsToken: read(env, 'METRICS_TOKEN'),
    agencyName: read(env, 'AGENCY_NAME') ?? 'Wasap Talent',
    privacyPolicyUrl: url(env, 'PRIVACY_POLICY_URL', ['http:', 'https:']) ?? `${publicUrl}/privacy`,
    formLinkTtlMs: duration(env, 'FORM_LINK_TTL', 7 * 86_400_000),
    templates: templates(env),
    vapidKeys: vapidKeys(env),
    vapidSubject: vapidSubject(env, publicUrl),
  };
}

/** WASAP_SECRET, or a secret generated once and kept in the data folder with mode 0600. */
export function resolveSecret(config: Config): string {
  if (config.secret) return config.secret;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'secret');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return stored;
  }
  const generated = randomBytes(32).toString('hex');
  writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return generated;
}

/**
 * What the bot needs from the configuration to write its messages: form links signed as the server signs them
 * (secret, public URL, lifetime in ms) and the agency's name (its {agencyName}).
 */
export function botSettings(config: Config): { secret: string; publicUrl: string; ttlMs: number; agencyName: string } {
  return { secret: resolveSecret(config), publicUrl: config.publicUrl, ttlMs: config.formLinkTtlMs, agencyName: config.agencyName };
}

/** Where the embedded database lives when DATABASE_URL is unset. */
export function pgliteDir(config: Config): string {
  return join(config.dataDir, 'pg');
}

export function mediaDir(config: Config): string {
  return join(config.dataDir, 'media');
}
