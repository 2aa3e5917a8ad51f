/** @module server/config — every environment variable, parsed and validated in one place. */
import { mkdirSync, readFileSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createECDH, randomBytes } from 'node:crypto';
import { boolean, ConfigError, duration, integer, read, redactUrl, url, type Env } from './config-env';
import { privacyConfig, type PrivacyConfig } from './config-privacy';
import { clusterConfig, type ClusterConfig } from './config-cluster';
import { templates, whatsappConfig, type MetaConfig, type TemplateConfig, type TwilioConfig } from './config-whatsapp';
import { retentionConfig, type RetentionConfig } from './config-retention';
import type { ProviderName } from './whatsapp/port';

export { ConfigError } from './config-env';
export type { MetaConfig, TemplateConfig, TwilioConfig } from './config-whatsapp';
export type { RetentionConfig } from './config-retention';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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

/** Every setting; the personal-data parts' (GUARDIAN_*) are in server/config-privacy. */
export interface Config extends PrivacyConfig {
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
  /** WHATSAPP_PROVIDER: who carries WhatsApp (server/config-whatsapp); its settings below, the other's absent. */
  whatsappProvider: ProviderName;
  twilio?: TwilioConfig;
  meta?: MetaConfig;
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
  /** RETENTION_*: how long personal data is kept and whether the daily job erases (server/config-retention). */
  retention: RetentionConfig;
  /** Leases, heartbeat, node name and shutdown grace (server/config-cluster); leases are used only with DATABASE_URL. */
  cluster: ClusterConfig;
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
  const { provider: whatsappProvider, ...whatsapp } = whatsappConfig(env);
  return {
    port,
    host,
    whatsappProvider,
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
    ...whatsapp,
    s3: s3Config(env),
    formWebhookSecret,
    metricsToken: read(env, 'METRICS_TOKEN'),
    agencyName: read(env, 'AGENCY_NAME') ?? 'Wasap Talent',
    privacyPolicyUrl: url(env, 'PRIVACY_POLICY_URL', ['http:', 'https:']) ?? `${publicUrl}/privacy`,
    formLinkTtlMs: duration(env, 'FORM_LINK_TTL', 7 * 86_400_000),
    templates: templates(env),
    vapidKeys: vapidKeys(env),
    vapidSubject: vapidSubject(env, publicUrl),
    retention: retentionConfig(env),
    cluster: clusterConfig(env),
    ...privacyConfig(env),
  };
}

/** WASAP_SECRET, or a secret generated once and kept in the data folder with mode 0600. */
export function resolveSecret(config: Config): string {
  const existing = configuredSecret(config);
  if (existing) return existing;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'secret');
  const generated = randomBytes(32).toString('hex');
  writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return generated;
}

/**
 * The secret a server started with `config` signs with — WASAP_SECRET, else the data folder's generated `secret` —
 * or undefined when there is neither. Unlike resolveSecret, never creates one: a command that checks or records the
 * secret must not invent a new one.
 */
export function configuredSecret(config: Pick<Config, 'secret' | 'dataDir'>): string | undefined {
  if (config.secret) return config.secret;
  const file = join(config.dataDir, 'secret');
  const stored = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return stored.length >= 32 ? stored : undefined;
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
