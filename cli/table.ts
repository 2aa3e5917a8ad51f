/** @module cli/table — plain aligned text tables for terminal output. */

export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/**
 * A timestamp from the admin API or the database as ISO 8601, to the minute (`2026-11-30 21:40`, UTC) or `-`. Eden
 * hands ISO strings back as Dates although their type says string, so both are taken.
 */
export function minuteOf(value: Date | string | null | undefined): string {
  return value ? new Date(value).toISOString().slice(0, 16).replace('T', ' ') : '-';
}
