/**
 * @module server/config-whatsapp — which WhatsApp provider this server speaks through (WHATSAPP_PROVIDER: twilio,
 * meta or simulator) and each provider's settings (TWILIO_*, META_*), validated in one place.
 */
import type { ProviderName } from './whatsapp/port';
import { DEFAULT_API_VERSION } from './whatsapp/meta/graph';
import { ConfigError, integer, isPemFile, read, url, type Env } from './config-env';

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

export function twilioConfig(env: Env): TwilioConfig | undefined {
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

/** TWILIO_TEMPLATES: a JSON list of {"sid":"HX…","name":"…","preview":"…"}. */
export function templates(env: Env): TemplateConfig[] {
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

/** Meta's WhatsApp Cloud API: one business phone number of one WhatsApp Business Account. */
export interface MetaConfig {
  /** A system user's permanent access token with whatsapp_business_messaging (and _management for templates). */
  accessToken: string;
  /** The Graph API id of our business phone number (not the number itself). */
  phoneNumberId: string;
  /** The app secret: X-Hub-Signature-256 on every webhook is an HMAC-SHA256 of the body with it. */
  appSecret: string;
  /** What Meta must present in `hub.verify_token` when the webhook is subscribed. */
  verifyToken: string;
  /** The WhatsApp Business Account id: needed to list templates (META_WABA_ID). */
  wabaId?: string;
  /** https://graph.facebook.com unless a test or a gateway stands in for it. */
  graphUrl: string;
  /** The Graph API version every path starts with (META_API_VERSION, default server/whatsapp/meta/graph DEFAULT_API_VERSION). */
  apiVersion: string;
  /** Our number in E.164, for the form's link back to WhatsApp (META_WHATSAPP_NUMBER). */
  whatsappNumber?: string;
  /** Messages per second at most: Meta's default throughput per business number is 80 (META_MAX_MPS, 1–1000). */
  maxMps: number;
  timeoutMs: number;
}

export interface WhatsAppConfig {
  provider: ProviderName;
  twilio?: TwilioConfig;
  meta?: MetaConfig;
}

const META_NAMES = ['META_ACCESS_TOKEN', 'META_PHONE_NUMBER_ID', 'META_APP_SECRET', 'META_VERIFY_TOKEN'] as const;

function metaConfig(env: Env): MetaConfig | undefined {
  const [accessToken, phoneNumberId, appSecret, verifyToken] = META_NAMES.map((name) => read(env, name));
  if (!accessToken && !phoneNumberId && !appSecret && !verifyToken) return undefined;
  const all = '(set all of META_ACCESS_TOKEN, META_PHONE_NUMBER_ID, META_APP_SECRET and META_VERIFY_TOKEN, or none)';
  if (!accessToken) throw new ConfigError('META_ACCESS_TOKEN', `a system user's access token ${all}`);
  if (!phoneNumberId || !/^\d{1,30}$/.test(phoneNumberId)) throw new ConfigError('META_PHONE_NUMBER_ID', `the phone number's Graph API id, digits only ${all}`, phoneNumberId);
  // Secrets are never echoed back.
  if (!appSecret || appSecret.length < 16) throw new ConfigError('META_APP_SECRET', `the app secret from the app's Basic settings (at least 16 characters) ${all}`);
  if (!verifyToken || verifyToken.length < 16) throw new ConfigError('META_VERIFY_TOKEN', `a random token of at least 16 characters, the one typed into the webhook's settings ${all}`);
  const wabaId = read(env, 'META_WABA_ID');
  if (wabaId !== undefined && !/^\d{1,30}$/.test(wabaId)) throw new ConfigError('META_WABA_ID', 'the WhatsApp Business Account id, digits only', wabaId);
  const apiVersion = read(env, 'META_API_VERSION') ?? DEFAULT_API_VERSION;
  if (!/^v\d{1,3}\.\d{1,2}$/.test(apiVersion)) throw new ConfigError('META_API_VERSION', 'a Graph API version like v26.0', apiVersion);
  const whatsappNumber = read(env, 'META_WHATSAPP_NUMBER');
  if (whatsappNumber !== undefined && !/^\+[1-9]\d{7,14}$/.test(whatsappNumber)) throw new ConfigError('META_WHATSAPP_NUMBER', 'our number in E.164, like +573001234567', whatsappNumber);
  return {
    accessToken,
    phoneNumberId,
    appSecret,
    verifyToken,
    wabaId,
    graphUrl: (url(env, 'META_GRAPH_URL', ['http:', 'https:']) ?? 'https://graph.facebook.com').replace(/\/+$/, ''),
    apiVersion,
    whatsappNumber,
    maxMps: integer(env, 'META_MAX_MPS', 80, 1, 1000),
    timeoutMs: integer(env, 'META_TIMEOUT_MS', 8000, 100, 60_000),
  };
}

/**
 * WHATSAPP_PROVIDER names the provider; unset, it is the one whose settings are present (Twilio's or Meta's), or
 * the simulator when neither is. Naming a provider whose settings are missing, or setting both without naming one,
 * is a ConfigError.
 */
export function whatsappConfig(env: Env): WhatsAppConfig {
  const twilio = twilioConfig(env);
  const meta = metaConfig(env);
  const named = read(env, 'WHATSAPP_PROVIDER')?.toLowerCase();
  if (named !== undefined && named !== 'twilio' && named !== 'meta' && named !== 'simulator') {
    throw new ConfigError('WHATSAPP_PROVIDER', 'twilio, meta or simulator', named);
  }
  if (named === 'twilio' && !twilio) throw new ConfigError('TWILIO_ACCOUNT_SID', 'the Twilio settings when WHATSAPP_PROVIDER=twilio');
  if (named === 'meta' && !meta) throw new ConfigError('META_ACCESS_TOKEN', 'the META_* settings when WHATSAPP_PROVIDER=meta');
  if (named === undefined && twilio && meta) throw new ConfigError('WHATSAPP_PROVIDER', 'twilio or meta: both providers have settings');
  const provider: ProviderName = (named as ProviderName | undefined) ?? (twilio ? 'twilio' : meta ? 'meta' : 'simulator');
  return { provider, ...(provider === 'twilio' ? { twilio } : {}), ...(provider === 'meta' ? { meta } : {}) };
}
