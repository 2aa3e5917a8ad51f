/**
 * @module server/whatsapp/webhook-routes — every provider's webhook paths on one server: the active provider's own
 * routes (verify, parse, hand to the durable intake, then answer), and for each other provider a 404 that says which
 * provider this server uses, so a webhook pointed at the wrong path is told so instead of vanishing.
 */
import { Elysia } from 'elysia';
import { AppError } from '../errors';
import type { ProviderName, WebhookSink, WhatsAppProvider } from './port';

/**
 * How long a webhook may wait for its row to be stored before we answer 503. Twilio gives a webhook 15 s, then calls
 * the fallback URL; Meta retries a failed delivery with backoff for up to 7 days
 * (developers.facebook.com/docs/graph-api/webhooks/getting-started). Answering well before either lets the provider
 * do so while the database is unreachable — never 200 without the row stored.
 */
export const ACCEPT_DEADLINE_MS = 1500;
export const NOT_STORED = 'The message could not be stored in time; send it again (a repeat is recognised and processed once).';

export class TooManyFieldsError extends AppError {
  constructor(max: number) {
    super('TOO_MANY_FIELDS', 413, `The form has more than ${max} fields; Twilio's webhooks have fewer than 100.`);
  }
}

const WEBHOOK_PREFIXES: Record<Exclude<ProviderName, 'simulator'>, string> = { twilio: '/webhooks/twilio', meta: '/webhooks/meta' };

class NotConfiguredError extends AppError {
  constructor(path: ProviderName, active: ProviderName) {
    const using = active === 'simulator' ? 'the WhatsApp simulator (use /dev/phone)' : `WHATSAPP_PROVIDER=${active}`;
    super(
      `${path.toUpperCase()}_NOT_CONFIGURED`,
      404,
      `This server is not connected to ${path === 'meta' ? "Meta's Cloud API" : 'Twilio'}: it uses ${using}. Set WHATSAPP_PROVIDER and its settings to change that.`,
    );
  }
}

/** The active provider's webhook routes, and a 404 that names it on every other provider's paths. */
export function providerWebhookRoutes(provider: WhatsAppProvider, sink: WebhookSink) {
  // Typed as a plain Elysia: the app's Eden type (the CLI's client) need not know the providers' webhook paths.
  const app = new Elysia({ name: 'webhooks' }).use(provider.webhooks(sink) as unknown as Elysia);
  for (const [name, prefix] of Object.entries(WEBHOOK_PREFIXES) as [ProviderName, string][]) {
    if (name === provider.name) continue;
    const refuse = () => {
      throw new NotConfiguredError(name, provider.name);
    };
    app.get(prefix, refuse).post(prefix, refuse, { parse: 'none' }).post(`${prefix}/*`, refuse, { parse: 'none' });
  }
  return app;
}
