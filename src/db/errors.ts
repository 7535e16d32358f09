/**
 * True when `error` (or any error in its `cause` chain: drizzle wraps the driver's) is
 * SQLite's UNIQUE constraint failure; with `table`, only one on that table's columns, so a
 * caller retrying one race does not swallow another index's refusal.
 */
export function isUniqueViolation(error: unknown, table?: string): boolean {
  const pattern = table ? new RegExp(`UNIQUE constraint failed: ${table}\\.`, 'i') : /UNIQUE constraint failed/i;
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (pattern.test(String((e as Error).message ?? e))) return true;
  }
  return false;
}
