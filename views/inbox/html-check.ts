/** @module views/inbox/html-check — test helpers: parse rendered HTML and prove hostile strings stayed text. */
import { expect } from 'bun:test';

export const HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', `"'><svg onload=alert(1)>`] as const;
export const HOSTILE_TEXT = HOSTILE.join(' ');

export interface ParsedHtml {
  tags: string[];
  /** Every attribute as `tag[name]=value` (values decoded by the parser). */
  attributes: { tag: string; name: string; value: string }[];
  ids: string[];
}

/** Parses with Bun's HTMLRewriter (lol-html), the way a browser tokenizer would see the markup. */
export function parse(html: string): ParsedHtml {
  const parsed: ParsedHtml = { tags: [], attributes: [], ids: [] };
  new HTMLRewriter()
    .on('*', {
      element(element) {
        parsed.tags.push(element.tagName);
        for (const [name, value] of element.attributes) {
          parsed.attributes.push({ tag: element.tagName, name, value });
          if (name === 'id') parsed.ids.push(value);
        }
      },
    })
    .transform(html);
  return parsed;
}

/**
 * No element or attribute the hostile strings could have created. Checked with a parser, not by
 * searching for "<script>": inside a quoted attribute a raw `<` is inert and @kitajs/html leaves it.
 */
export function expectInert(html: string, { scripts = 0 }: { scripts?: number } = {}) {
  const parsed = parse(html);
  expect(parsed.tags.filter((tag) => tag === 'script').length).toBe(scripts);
  expect(parsed.tags).not.toContain('svg');
  expect(parsed.attributes.filter((attribute) => attribute.name.startsWith('on'))).toEqual([]);
  expect(parsed.attributes.filter((attribute) => attribute.tag === 'img' && attribute.name === 'src' && attribute.value === 'x')).toEqual([]);
}

/**
 * Nothing that a CSP without 'unsafe-inline' and 'unsafe-eval' blocks: no <style>, no inline <script>, no style
 * or on* attribute, no javascript: URL, and no htmx attribute that htmx evaluates as code (hx-on, js: values).
 */
export function expectCspSafe(html: string) {
  const parsed = parse(html);
  expect(parsed.tags).not.toContain('style');
  const scripts = parsed.attributes.filter((attribute) => attribute.tag === 'script' && attribute.name === 'src');
  expect(scripts.length).toBe(parsed.tags.filter((tag) => tag === 'script').length);
  const runsCode = ({ name, value }: { name: string; value: string }) =>
    name === 'style' ||
    name.startsWith('on') ||
    name.startsWith('hx-on') ||
    /^\s*javascript:/i.test(value) ||
    (name.startsWith('hx-') && /^\s*js:/.test(value)) ||
    // An hx-trigger filter (`click[ctrlKey]`) is evaluated with Function.
    (name === 'hx-trigger' && value.includes('['));
  const code = parsed.attributes.filter(runsCode);
  expect(code).toEqual([]);
}

/** The hostile text shows up as visible, escaped text. */
export function expectEscapedText(html: string) {
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
}

export function attributesOf(html: string, id: string): Record<string, string> {
  let found: Record<string, string> | undefined;
  new HTMLRewriter()
    .on(`[id="${id}"]`, {
      element(element) {
        found ??= Object.fromEntries(element.attributes);
      },
    })
    .transform(html);
  if (!found) throw new Error(`no element with id ${id}`);
  return found;
}
