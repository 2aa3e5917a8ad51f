/** @module views/layout — the HTML shell every page shares: meta, stylesheet, htmx and its WebSocket extension. */
import type { Children } from '@kitajs/html';

export interface LayoutProps {
  title: string;
  lang?: string;
  /** Load htmx's WebSocket extension (pages with live updates). */
  live?: boolean;
  /** Page-specific stylesheets after app.css, in the head (no flash of the unstyled page). */
  stylesheets?: string[];
  children?: Children;
}

export function Layout({ title, lang = 'es', live = false, stylesheets = [], children }: LayoutProps) {
  return (
    <>
      {'<!doctype html>'}
      <html lang={lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{title}</title>
          <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
          <link rel="manifest" href="/manifest.webmanifest" />
          <meta name="theme-color" content="#128c7e" />
          <link rel="stylesheet" href="/assets/app.css" />
          {stylesheets.map((href) => (
            <link rel="stylesheet" href={href} />
          ))}
          {/* Not deferred, in order: the WebSocket extension must be registered before htmx processes the page. */}
          <script src="/assets/htmx.js"></script>
          {live ? <script src="/assets/hx-ws.js"></script> : ''}
        </head>
        <body>{children}</body>
      </html>
    </>
  );
}
