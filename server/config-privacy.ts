/**
 * @module server/config-privacy — settings of the personal-data parts (Colombia's Law 1581), validated in one place:
 * GUARDIAN_TEMPLATE (the approved WhatsApp template that carries a minor's guardian's authorisation link) and
 * GUARDIAN_LINK_TTL (how long that link works).
 */
import { ConfigError, duration, read, type Env } from './config-env';
import { DEFAULT_GUARDIAN_LINK_TTL_MS } from './privacy/guardian-token';
import { TEMPLATE_REF_PATTERN } from './whatsapp/port';

export interface PrivacyConfig {
  /**
   * GUARDIAN_TEMPLATE: Twilio's Content SID (`HX…`) or Meta's `name:language`, an approved template with `{{1}}` = the
   * minor's first name and `{{2}}` = the link. The guardian's number has not written to us, so outside a 24-hour window
   * only a template reaches her; without it the link goes as plain text (the simulator, or a guardian who wrote first).
   */
  guardianTemplate?: string;
  /** GUARDIAN_LINK_TTL: a duration such as 14d (default), 72h. */
  guardianLinkTtlMs: number;
}

export function privacyConfig(env: Env): PrivacyConfig {
  const template = read(env, 'GUARDIAN_TEMPLATE');
  if (template !== undefined && !new RegExp(TEMPLATE_REF_PATTERN).test(template)) {
    throw new ConfigError('GUARDIAN_TEMPLATE', 'a template reference: HX followed by 32 hex digits (Twilio), or name:language such as autorizacion_acudiente:es_CO (Meta)', template);
  }
  return { guardianTemplate: template || undefined, guardianLinkTtlMs: duration(env, 'GUARDIAN_LINK_TTL', DEFAULT_GUARDIAN_LINK_TTL_MS) };
}
