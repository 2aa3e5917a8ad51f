/**
 * @module server/whatsapp/meta/client — the outbound side of Meta's WhatsApp Cloud API behind Wasap's provider port:
 * send (meta/send), reconcile an ambiguous send (findSent), fetch inbound media (meta/media), list templates
 * (meta/templates), classify failures (meta/errors). The webhooks half is another module's; the server composes both.
 *
 * No client library: plain `fetch` with the few request and answer shapes validated at the edge. Checked in
 * December 2026: Meta's own SDK (WhatsApp-Nodejs-SDK, npm `whatsapp`) is archived, its package without a repository
 * or description since; `whatsapp-api-js` (6.3.0, September 2026) and `@great-detail/whatsapp` (9.2.0, September
 * 2026, on ky + openapi-fetch) are kept and typed. We still use none: we call four endpoints, and what we need of each is what a library hides — telling a refused
 * connection from a timeout from a 5xx (exactly-once depends on it), a token that never follows a redirect to
 * another host, a byte cap while downloading, paging that stays on the Graph API — plus fields newer than library
 * types (the BSUID `recipient`, whatsapp-api-js 6.2 types `to` as required). One dependency less to keep in step with
 * Meta's versions, too.
 */
import type { ProviderTemplate, FetchedMedia, OutboundMessage, SendResult, SentQuery, WhatsAppProvider } from '../port';
import { SendError } from '../send-errors';
import { classifyMetaError } from './errors';
import { DEFAULT_API_VERSION, DEFAULT_GRAPH_URL, DEFAULT_TIMEOUT_MS, type GraphConfig } from './graph';
import { fetchMetaMedia, type MetaMediaOptions } from './media';
import { createFindSent, sendMessage, type FindSentOptions } from './send';
import { listMetaTemplates } from './templates';

export { DEFAULT_API_VERSION, DEFAULT_GRAPH_URL } from './graph';
export { RECEIPT_WAIT_MS } from './send';

/**
 * Meta's default throughput per business phone number: up to 80 messages per second, raised automatically to 1,000
 * for eligible numbers (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput; more
 * fails with 130429). The outbox paces to `maxMps`.
 */
export const META_DEFAULT_MPS = 80;

export interface MetaClientOptions extends FindSentOptions {
  /** A system user's access token with whatsapp_business_messaging (and _management for templates). */
  accessToken: string;
  /** The business phone number's id (digits), not the phone number. */
  phoneNumberId: string;
  /** The WhatsApp Business Account id (digits); without it listTemplates refuses. */
  wabaId?: string;
  /** Default https://graph.facebook.com; a test's fake Graph API, or a gateway with a path prefix. */
  graphUrl?: string;
  /** Default DEFAULT_API_VERSION (`v26.0`). */
  apiVersion?: string;
  /** Per Graph request and per media download; default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Default META_DEFAULT_MPS. */
  maxMps?: number;
  /** Inbound media files larger than this (bytes) are refused (MEDIA_TOO_LARGE). */
  mediaMaxBytes: number;
  /** Waits before the 2nd, 3rd… media download attempts; default [1 000, 3 000]. */
  mediaRetryDelaysMs?: number[];
  /** Per media download attempt; default 60 s (a 16 MB video needs longer than a send). */
  mediaTimeoutMs?: number;
  /** How media retries wait (tests pass one that returns at once). */
  sleep?: (ms: number) => Promise<void>;
  /** Our number, E.164, for the form's "back to WhatsApp" link. */
  number?: string;
}

/** The outbound half of a Meta WhatsAppProvider. */
export interface MetaClient extends Pick<WhatsAppProvider, 'maxMps' | 'number'> {
  readonly name: 'meta';
  send(message: OutboundMessage): Promise<SendResult>;
  findSent(query: SentQuery): Promise<SendResult | null>;
  fetchMedia(ref: string): Promise<FetchedMedia>;
  listTemplates(): Promise<ProviderTemplate[]>;
  classify(error: unknown): SendError;
}

const ID = /^\d{1,32}$/;
const VERSION = /^v\d{1,3}\.\d{1,3}$/;

/** Settings are checked once, here: a wrong one is a deployment error (TypeError), never a failed send. */
function graphConfig(options: MetaClientOptions): GraphConfig {
  if (typeof options.accessToken !== 'string' || options.accessToken.trim() === '' || /\s/.test(options.accessToken)) throw new TypeError('Meta needs an access token (no spaces).');
  if (!ID.test(options.phoneNumberId)) throw new TypeError('Meta phoneNumberId must be the phone number id (digits).');
  if (options.wabaId !== undefined && !ID.test(options.wabaId)) throw new TypeError('Meta wabaId must be the WhatsApp Business Account id (digits).');
  const graphUrl = options.graphUrl ?? DEFAULT_GRAPH_URL;
  let parsed: URL;
  try {
    parsed = new URL(graphUrl);
  } catch {
    throw new TypeError(`Meta graphUrl is not a URL: ${graphUrl}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TypeError('Meta graphUrl must be http(s).');
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  if (!VERSION.test(apiVersion)) throw new TypeError(`Meta apiVersion must look like ${DEFAULT_API_VERSION}.`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new TypeError('Meta timeoutMs must be positive.');
  return { accessToken: options.accessToken, graphUrl: parsed.href.replace(/\/+$/, ''), apiVersion, timeoutMs, fetch: options.fetch ?? fetch };
}

/** Builds the client for one business phone number. Throws TypeError for settings that cannot work. */
export function createMetaClient(options: MetaClientOptions): MetaClient {
  const graph = graphConfig(options);
  const maxMps = options.maxMps ?? META_DEFAULT_MPS;
  if (!(maxMps > 0)) throw new TypeError('Meta maxMps must be positive.');
  if (!(options.mediaMaxBytes > 0)) throw new TypeError('Meta mediaMaxBytes must be positive.');
  if (typeof options.receipts !== 'function') throw new TypeError('Meta needs a receipts lookup to reconcile ambiguous sends.');
  const findSent = createFindSent(options);
  const media: MetaMediaOptions = {
    maxBytes: options.mediaMaxBytes,
    ...(options.mediaRetryDelaysMs ? { retryDelaysMs: options.mediaRetryDelaysMs } : {}),
    ...(options.mediaTimeoutMs ? { timeoutMs: options.mediaTimeoutMs } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  };

  return {
    name: 'meta',
    maxMps,
    ...(options.number ? { number: options.number } : {}),
    send: function send(message) {
      return sendMessage(graph, options.phoneNumberId, message);
    },
    findSent,
    fetchMedia: function fetchMedia(ref) {
      return fetchMetaMedia(graph, ref, media);
    },
    listTemplates: async function listTemplates() {
      if (!options.wabaId) throw new SendError({ permanent: true, reason: 'Listing templates needs the WhatsApp Business Account id (wabaId)' });
      return listMetaTemplates(graph, options.wabaId);
    },
    classify: function classify(error) {
      return classifyMetaError(error, graph.accessToken);
    },
  };
}
