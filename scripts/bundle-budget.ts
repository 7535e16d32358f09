/**
 * `npm run bundle:check` (CI): builds the bot's and the web Worker's deploy bundles as
 * `wrangler deploy` would (`--dry-run --outdir`, into a temporary folder) and fails when a
 * gzip size reaches its budget (docs/performance.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOT_BUNDLE_BUDGET_KIB, buildBotBundle, buildWebBundle, WEB_BUNDLE_BUDGET_KIB } from '../bench/lib/bundle';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'gatehouse-bundle-'));
try {
  for (const [name, build, budget] of [
    ['bot', buildBotBundle, BOT_BUNDLE_BUDGET_KIB],
    ['web', buildWebBundle, WEB_BUNDLE_BUDGET_KIB],
  ] as const) {
    const size = build(root, join(out, name));
    const gzipKiB = size.gzipBytes / 1024;
    const line = `${name} bundle: ${(size.rawBytes / 1024).toFixed(1)} KiB raw, ${gzipKiB.toFixed(1)} KiB gzip (budget < ${budget} KiB gzip; ${size.files.join(', ')})`;
    if (gzipKiB >= budget) {
      console.error(`${line}\nThe ${name} bundle is over its budget: find what grew (npm run bench prints the sizes) before raising it.`);
      process.exitCode = 1;
    } else {
      console.log(line);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
