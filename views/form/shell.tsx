/** @module views/form/shell — the HTML shell of the aspirant's pages: phone-first, no tracking, no referrer. */
import type { Children } from '@kitajs/html';

export interface FormShellProps {
  title: string;
  lang: string;
  /** The agency's name, shown at the top of every page the aspirant sees. */
  agencyName: string;
  /** Load htmx (the form's inline validation); every page works without it. */
  htmx?: boolean;
  children?: Children;
}

/** Escapes a value for an attribute: @kitajs/html only replaces `"`, so `&amp;` in a stored name would otherwise turn into `&`. */
export function attr(value: string): string {
  return Bun.escapeHTML(value);
}

export function FormShell({ title, lang, agencyName, htmx = false, children }: FormShellProps) {
  return (
    <>
      {'<!doctype html>'}
      <html lang={lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
          {/* The form's URL carries the aspirant's token: never send it to another site, never index it. */}
          <meta name="referrer" content="no-referrer" />
          <meta name="robots" content="noindex, nofollow" />
          <meta name="theme-color" content="#0f766e" />
          <title safe>{title}</title>
          <link rel="stylesheet" href="/assets/form.css" />
          {htmx ? <script src="/assets/htmx.js" defer></script> : ''}
        </head>
        <body class="aspirant">
          <header class="brand">
            <span class="brand-mark" aria-hidden="true">
              {/* Escaped: the agency name comes from the environment but is still text. */}
              {Bun.escapeHTML([...agencyName.trim()][0]?.toUpperCase() ?? 'W')}
            </span>
            <span class="brand-name" safe>
              {agencyName}
            </span>
          </header>
          <main class="sheet" id="main">
            {children}
          </main>
        </body>
      </html>
    </>
  );
}
