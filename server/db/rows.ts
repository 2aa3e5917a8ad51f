/** @module server/db/rows — the rows of a raw `db.execute(sql…)`: postgres.js returns them as an array, PGlite as `{ rows }`. */
export function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}
