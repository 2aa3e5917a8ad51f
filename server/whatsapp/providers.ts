/**
 * @module server/whatsapp/providers — the provider WHATSAPP_PROVIDER names, built from its settings. The simulator is
 * built by server/wiring (it needs the hub and the intake); this builds the real ones.
 */
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { WhatsAppProvider } from './port';
import { createMetaProvider } from './meta-provider';
import { createTwilioProvider } from './twilio-provider';
import type { Logger } from '../logger';

export interface ProviderFactoryOptions {
  config: Config;
  db: Db;
  /** Waits before each media download retry (tests shorten them). */
  mediaRetryDelaysMs?: number[];
  logger?: Logger;
}

/** Throws Error when the configuration names no real provider (the simulator is not built here). */
export function createProvider({ config, db, mediaRetryDelaysMs, logger }: ProviderFactoryOptions): WhatsAppProvider {
  const common = { publicUrl: config.publicUrl, trustProxy: config.trustProxy, mediaMaxBytes: config.mediaMaxBytes, mediaRetryDelaysMs };
  if (config.whatsappProvider === 'twilio' && config.twilio) return createTwilioProvider({ twilio: config.twilio, ...common });
  if (config.whatsappProvider === 'meta' && config.meta) return createMetaProvider({ meta: config.meta, db, mediaMaxBytes: config.mediaMaxBytes, mediaRetryDelaysMs, logger });
  throw new Error(`No WhatsApp provider can be built for WHATSAPP_PROVIDER=${config.whatsappProvider}.`);
}
