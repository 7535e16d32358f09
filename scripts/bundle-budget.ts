/**
 * `npm run bundle:check` (CI): builds the bot's deploy bundle as `wrangler deploy` would
 * (`--dry-run --outdir`, into a temporary folder) and fails when its gzip size reaches the
 * budget (docs/performance.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOT_BUNDLE_BUDGET_KIB, buildBotBundle } from '../bench/lib/bundle';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'gatehouse-bundle-'));
try {
  const size = buildBotBundle(root, out);
  const gzipKiB = size.gzipBytes / 1024;
  const line = `bot bundle: ${(size.rawBytes / 1024).toFixed(1)} KiB raw, ${gzipKiB.toFixed(1)} KiB gzip (budget < ${BOT_BUNDLE_BUDGET_KIB} KiB gzip; ${size.files.join(', ')})`;
  if (gzipKiB >= BOT_BUNDLE_BUDGET_KIB) {
    console.error(`${line}\nThe bot bundle is over its budget: find what grew (npm run bench prints the sizes) before raising it.`);
    process.exitCode = 1;
  } else {
    console.log(line);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
