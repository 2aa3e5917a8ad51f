/**
 * @module server/whatsapp/twilio-provider — Twilio as a WhatsAppProvider: its webhooks (server/whatsapp/twilio-webhooks),
 * its Messages API through the twilio client (twilio-sender), media by authenticated URL (media-download), and its
 * Content API templates (twilio-templates, when present).
 */
import type { TwilioConfig } from '../config';
import { downloadMedia } from './media-download';
import type { WhatsAppProvider } from './port';
import { createTwilioSender } from './twilio-sender';
import { createTwilioTemplateList } from './twilio-templates';
import { twilioWebhookRoutes } from './twilio-webhooks';

export interface TwilioProviderOptions {
  twilio: TwilioConfig;
  publicUrl: string;
  trustProxy: boolean;
  mediaMaxBytes: number;
  /** Waits before each media download retry (tests shorten them). */
  mediaRetryDelaysMs?: number[];
}

/** Hosts beyond *.twilio.com that may receive the credentials: TWILIO_API_URL's (a test server, a gateway). */
function extraHost(apiUrl?: string): (host: string) => boolean {
  const extra = apiUrl ? new URL(apiUrl).hostname : undefined;
  return (host) => host === extra;
}

/** Builds the Twilio provider; the webhook paths are /webhooks/twilio and /webhooks/twilio/status. */
export function createTwilioProvider(options: TwilioProviderOptions): WhatsAppProvider {
  const { twilio } = options;
  const sender = createTwilioSender({
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    from: twilio.whatsappFrom,
    messagingServiceSid: twilio.messagingServiceSid,
    apiUrl: twilio.apiUrl,
    timeoutMs: twilio.timeoutMs,
    statusCallbackUrl: `${options.publicUrl}/webhooks/twilio/status`,
  });
  return {
    name: 'twilio',
    maxMps: twilio.maxMps,
    number: twilio.whatsappFrom?.replace(/^whatsapp:/, ''),
    webhooks: (sink) => twilioWebhookRoutes({ twilio, publicUrl: options.publicUrl, trustProxy: options.trustProxy, sink }),
    send: sender.send,
    findSent: sender.findSent,
    fetchMedia: (url) =>
      downloadMedia(url, {
        accountSid: twilio.accountSid,
        authToken: twilio.authToken,
        maxBytes: options.mediaMaxBytes,
        trustedHosts: extraHost(twilio.apiUrl),
        retryDelaysMs: options.mediaRetryDelaysMs,
      }),
    listTemplates: createTwilioTemplateList({ accountSid: twilio.accountSid, authToken: twilio.authToken, apiUrl: twilio.apiUrl, timeoutMs: twilio.timeoutMs }),
  };
}
