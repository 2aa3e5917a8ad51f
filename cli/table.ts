/** @module cli/table — plain aligned text tables for terminal output. */

/** A table of `rows` under `headers`, columns padded to their widest cell; cells are made `printable`. */
export function renderTable(headers: string[], cells: string[][]): string {
  const rows = cells.map((row) => row.map(printable));
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/**
 * `text` safe to print on a terminal: control characters other than newline and tab (ESC starts the sequences that
 * retitle, clear or rewrite a terminal) become U+FFFD. Aspirants' names and messages, and servers' answers, are
 * untrusted.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\uFFFD');
}

/**
 * A timestamp from the admin API or the database as ISO 8601, to the minute (`2026-11-30 21:40`, UTC) or `-`. Eden
 * hands ISO strings back as Dates although their type says string, so both are taken.
 */
export function minuteOf(value: Date | string | null | undefined): string {
  return value ? new Date(value).toISOString().slice(0, 16).replace('T', ' ') : '-';
}
