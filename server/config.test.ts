/** @module server/config.test — every variable's parsing and the one-line errors for bad values. */
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, resolveSecret } from './config';

const SID = `AC${'a'.repeat(32)}`;
/** Two VAPID pairs (web-push generateVAPIDKeys), for a good pair and a mismatched one. */
const VAPID = { publicKey: 'BKX0tBfRqrg5F5d49QeQdLjzNvRzpyBEuBgP-1gfgRfcMIicWVlbkAxCFMNXHjFEkglQn-6qEmWGH8vtjnilWQo', privateKey: 'QKwRRL1QNrTFAYmUkod0iCJhHHzUU3KGKn31HTuyYmM' };
const OTHER_VAPID_PRIVATE = 'NMMKpI1OAqADpsyvYp3l4ZynUv-7H2kiQHib8fk8Wk4';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('TWILIO_CA_BUNDLE must name a readable PEM file: a missing one stops start-up naming the variable', () => {
    const missing = errorOf({ TWILIO_CA_BUNDLE: '/nonexistent/ca.pem' });
    expect(missing.variable).toBe('TWILIO_CA_BUNDLE');
    const dir = mkdtempSync(join(tmpdir(), 'wasap-ca-'));
    try {
      writeFileSync(join(dir, 'not.pem'), 'hola');
      expect(errorOf({ TWILIO_CA_BUNDLE: join(dir, 'not.pem') }).variable).toBe('TWILIO_CA_BUNDLE');
      writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      expect(() => loadConfig({ TWILIO_CA_BUNDLE: join(dir, 'ca.pem') })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('defaults suit a laptop: port 3000, embedded database, simulator, local media', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '0.0.0.0', publicUrl: 'http://localhost:3000', logLevel: 'info', autoMigrate: true, trustProxy: false, databasePrepare: true });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.twilio).toBeUndefined();
    expect(config.s3).toBeUndefined();
    expect(config.dataDir.endsWith('/data')).toBe(true);
  });

  test('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'https://wasap.example.co/',
      DATABASE_URL: 'postgres://u:p@db:5432/wasap',
      WASAP_DATA_DIR: '/tmp/wasap-x',
      WASAP_SECRET: 'x'.repeat(40),
      LOG_LEVEL: 'debug',
      WASAP_AUTO_MIGRATE: 'false',
      TRUST_PROXY: 'true',
      DATABASE_PREPARE: 'false',
      CLUSTER_LEASE_MS: '6000',
      CLUSTER_HEARTBEAT_MS: '1500',
      CLUSTER_NODE_ID: 'web-1',
      SHUTDOWN_GRACE_MS: '5000',
      ACTOR_IDLE_MS: '5000',
      MEDIA_MAX_BYTES: '2048',
      METRICS_TOKEN: 'm',
      FORM_WEBHOOK_SECRET: 'f'.repeat(20),
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: 'tok',
      TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
      TWILIO_API_URL: 'http://127.0.0.1:9',
      TWILIO_MAX_MPS: '20',
      S3_BUCKET: 'wasap-media',
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      AGENCY_NAME: 'Estrellas Modelos',
      PRIVACY_POLICY_URL: 'https://agency.example.co/privacidad',
      FORM_LINK_TTL: '48h',
      TWILIO_TEMPLATES: JSON.stringify([{ sid: `HX${'a'.repeat(32)}`, name: 'Seguimiento', preview: 'Hola {{1}}, ¿seguimos?' }]),
      VAPID_PUBLIC_KEY: VAPID.publicKey,
      VAPID_PRIVATE_KEY: VAPID.privateKey,
      VAPID_SUBJECT: 'mailto:ops@agency.example.co',
      RETENTION_ENABLED: 'true',
      RETENTION_CLOSED_NO_HANDOFF: '180d',
      RETENTION_CLOSED: '2y',
      RETENTION_INACTIVE: 'off',
      RETENTION_HOUR: '4',
      GUARDIAN_TEMPLATE: 'autorizacion_acudiente:es_CO',
      GUARDIAN_LINK_TTL: '72h',
    });
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'https://wasap.example.co',
      trustProxy: true,
      databaseUrl: 'postgres://u:p@db:5432/wasap',
      databasePrepare: false,
      dataDir: '/tmp/wasap-x',
      secret: 'x'.repeat(40),
      logLevel: 'debug',
      autoMigrate: false,
      actorIdleMs: 5000,
      mediaMaxBytes: 2048,
      whatsappProvider: 'twilio',
      twilio: { accountSid: SID, authToken: 'tok', whatsappFrom: 'whatsapp:+14155238886', messagingServiceSid: undefined, apiUrl: 'http://127.0.0.1:9', maxMps: 20, timeoutMs: 8000 },
      s3: { bucket: 'wasap-media', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true },
      formWebhookSecret: 'f'.repeat(20),
      metricsToken: 'm',
      agencyName: 'Estrellas Modelos',
      privacyPolicyUrl: 'https://agency.example.co/privacidad',
      formLinkTtlMs: 48 * 3_600_000,
      templates: [{ sid: `HX${'a'.repeat(32)}`, name: 'Seguimiento', preview: 'Hola {{1}}, ¿seguimos?' }],
      vapidKeys: VAPID,
      vapidSubject: 'mailto:ops@agency.example.co',
      retention: { enabled: true, periods: { closed_no_handoff: { count: 180, unit: 'd' }, closed: { count: 2, unit: 'y' }, inactive: null }, hour: 4 },
      guardianTemplate: 'autorizacion_acudiente:es_CO',
      guardianLinkTtlMs: 72 * 3_600_000,
      cluster: { leaseMs: 6000, heartbeatMs: 1500, nodeId: 'web-1', shutdownGraceMs: 5000 },
    });
  });

  test('VAPID_SUBJECT defaults to an https PUBLIC_URL, else a mailto: address at its host', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://wasap.agency.co' }).vapidSubject).toBe('https://wasap.agency.co');
    expect(loadConfig({}).vapidSubject).toBe('mailto:wasap@localhost');
    expect(loadConfig({ PUBLIC_URL: 'https://localhost:8443' }).vapidSubject).toBe('mailto:wasap@localhost');
    expect(loadConfig({ VAPID_SUBJECT: 'https://agency.co/contact' }).vapidSubject).toBe('https://agency.co/contact');
    expect(loadConfig({}).vapidKeys).toBeUndefined();
  });

  test.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ FORM_LINK_TTL: '7 weeks' }, 'FORM_LINK_TTL'],
    [{ FORM_LINK_TTL: '10s' }, 'FORM_LINK_TTL'],
    [{ TWILIO_TEMPLATES: '[{"sid":"nope"}]' }, 'TWILIO_TEMPLATES'],
    [{ WASAP_AUTO_MIGRATE: 'maybe' }, 'WASAP_AUTO_MIGRATE'],
    [{ DATABASE_PREPARE: 'sometimes' }, 'DATABASE_PREPARE'],
    [{ WASAP_SECRET: 'short' }, 'WASAP_SECRET'],
    [{ TWILIO_ACCOUNT_SID: SID }, 'TWILIO_AUTH_TOKEN'],
    [{ TWILIO_AUTH_TOKEN: 'tok' }, 'TWILIO_ACCOUNT_SID'],
    [{ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'tok' }, 'TWILIO_WHATSAPP_FROM'],
    [{ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'tok', TWILIO_WHATSAPP_FROM: '+1415' }, 'TWILIO_WHATSAPP_FROM'],
    [{ S3_BUCKET: 'wasap-media' }, 'S3_REGION'],
    [{ S3_ENDPOINT: 'http://127.0.0.1:9000' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'Bad_Bucket', S3_REGION: 'x' }, 'S3_BUCKET'],
    [{ VAPID_PUBLIC_KEY: VAPID.publicKey }, 'VAPID_PRIVATE_KEY'],
    [{ VAPID_PRIVATE_KEY: VAPID.privateKey }, 'VAPID_PUBLIC_KEY'],
    [{ VAPID_PUBLIC_KEY: `${VAPID.publicKey}=`, VAPID_PRIVATE_KEY: VAPID.privateKey }, 'VAPID_PUBLIC_KEY'],
    [{ VAPID_PUBLIC_KEY: VAPID.publicKey.slice(0, 40), VAPID_PRIVATE_KEY: VAPID.privateKey }, 'VAPID_PUBLIC_KEY'],
    [{ VAPID_PUBLIC_KEY: VAPID.publicKey, VAPID_PRIVATE_KEY: 'short' }, 'VAPID_PRIVATE_KEY'],
    [{ VAPID_PUBLIC_KEY: VAPID.publicKey, VAPID_PRIVATE_KEY: OTHER_VAPID_PRIVATE }, 'VAPID_PRIVATE_KEY'],
    [{ VAPID_SUBJECT: 'ops@agency.co' }, 'VAPID_SUBJECT'],
    [{ VAPID_SUBJECT: 'http://agency.co' }, 'VAPID_SUBJECT'],
    [{ VAPID_SUBJECT: 'mailto:nobody' }, 'VAPID_SUBJECT'],
  ])('%j is rejected naming %s', (env, variable) => {
    const error = errorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: expected`)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  test('a VAPID private key is never echoed, whatever is wrong with it', () => {
    for (const privateKey of ['short', OTHER_VAPID_PRIVATE]) expect(errorOf({ VAPID_PUBLIC_KEY: VAPID.publicKey, VAPID_PRIVATE_KEY: privateKey }).message).not.toContain(privateKey);
  });

  test('a password in a bad DATABASE_URL is not echoed', () => {
    expect(errorOf({ DATABASE_URL: 'mysql://me:hunter2@db/x' }).message).not.toContain('hunter2');
  });
});

describe('resolveSecret', () => {
  test('generates a secret once, keeps it with mode 0600, and reuses it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wasap-secret-'));
    const config = loadConfig({ WASAP_DATA_DIR: dataDir });
    const first = resolveSecret(config);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dataDir, 'secret')).mode & 0o777).toBe(0o600);
    expect(resolveSecret(config)).toBe(first);
    expect(readFileSync(join(dataDir, 'secret'), 'utf8').trim()).toBe(first);
  });

  test('WASAP_SECRET wins over the file', () => {
    const config = loadConfig({ WASAP_DATA_DIR: mkdtempSync(join(tmpdir(), 'wasap-secret-')), WASAP_SECRET: 's'.repeat(32) });
    expect(resolveSecret(config)).toBe('s'.repeat(32));
  });
});
