/**
 * @module server/whatsapp/meta/templates — the WhatsApp Business Account's message templates, as the composer and the
 * template sync read them: `GET /{waba-id}/message_templates?fields=name,language,category,status,components&limit=100`
 * (https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates/), following
 * `paging.next` only while it stays on the configured Graph API (the token goes with it), at most MAX_TEMPLATE_PAGES.
 *
 * Each template becomes a ProviderTemplate: ref `name:language` (what a send names), category and status in lower
 * case, the BODY component's text, and its placeholders in order of first appearance — numbered (`{{1}}`) or named
 * (`{{first_name}}`, Meta's named parameter format). Only the body's: sends fill body parameters only
 * (meta/send). An entry without a name or language is skipped: it could not be sent anyway.
 */
import type { ProviderTemplate } from '../port';
import { SendError } from '../send-errors';
import { classifyMetaError } from './errors';
import { graphEndpoint, graphRequest, isGraphUrl, type GraphConfig } from './graph';

export const TEMPLATE_FIELDS = 'name,language,category,status,components';
export const TEMPLATE_PAGE_SIZE = 100;
/** 100 pages of 100: far past any real account (Meta caps a WABA at a few thousand templates), short of a loop. */
export const MAX_TEMPLATE_PAGES = 100;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]{1,128})\s*\}\}/g;

/** The placeholders' names in `text`, in order of first appearance, each once: `Hola {{1}}, {{2}}` → ['1', '2']. */
export function placeholders(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) seen.add(match[1]!);
  return [...seen];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** One `data[]` entry → ProviderTemplate, or null when it has no usable name or language. */
export function toProviderTemplate(entry: unknown): ProviderTemplate | null {
  const e = (entry ?? {}) as Record<string, unknown>;
  const name = text(e.name);
  const language = text(e.language);
  if (!name || !language) return null;
  const components = Array.isArray(e.components) ? (e.components as Record<string, unknown>[]) : [];
  const bodyComponent = components.find((c) => typeof c?.type === 'string' && c.type.toUpperCase() === 'BODY');
  const body = typeof bodyComponent?.text === 'string' ? bodyComponent.text : '';
  return {
    ref: `${name}:${language}`,
    name,
    language,
    category: text(e.category)?.toLowerCase() ?? null,
    status: text(e.status)?.toLowerCase() ?? 'unknown',
    body,
    variables: placeholders(body),
  };
}

/** The next page's URL, or null on the last page; a link off the Graph API is refused (it would carry the token). */
function nextPage(graph: GraphConfig, answer: Record<string, unknown>): URL | null {
  const next = (answer.paging as { next?: unknown } | undefined)?.next;
  if (typeof next !== 'string' || next === '') return null;
  let url: URL;
  try {
    url = new URL(next);
  } catch {
    throw new SendError({ permanent: true, reason: "Meta's templates answer has a paging link that is not a URL" });
  }
  if (!isGraphUrl(graph, url)) throw new SendError({ permanent: true, reason: `Meta's templates paging link leaves the Graph API (${url.host}); not followed` });
  return url;
}

/** Every template of `wabaId`, all pages; throws a SendError (meta/errors) when Meta cannot be read. */
export async function listMetaTemplates(graph: GraphConfig, wabaId: string): Promise<ProviderTemplate[]> {
  const templates: ProviderTemplate[] = [];
  let url: URL | null = graphEndpoint(graph, `${wabaId}/message_templates`, { fields: TEMPLATE_FIELDS, limit: String(TEMPLATE_PAGE_SIZE) });
  for (let page = 0; url; page++) {
    if (page === MAX_TEMPLATE_PAGES) throw new SendError({ permanent: true, reason: `Meta's template list did not end after ${MAX_TEMPLATE_PAGES} pages` });
    let answer: Record<string, unknown>;
    try {
      answer = ((await graphRequest(graph, url)) ?? {}) as Record<string, unknown>;
    } catch (error) {
      throw classifyMetaError(error, graph.accessToken);
    }
    const data: unknown[] = Array.isArray(answer.data) ? answer.data : [];
    for (const entry of data) {
      const template = toProviderTemplate(entry);
      if (template) templates.push(template);
    }
    url = data.length ? nextPage(graph, answer) : null;
  }
  return templates;
}
