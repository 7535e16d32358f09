/**
 * Copies the dashboard's vendored browser libraries from node_modules into public/vendor/
 * (byte for byte, with their licences): the pages load them as plain ES modules, no build.
 * Run after upgrading one (`npm install uplot@x.y.z && npx tsx scripts/vendor-dashboard.ts`);
 * `scripts/dashboard-weight.node.test.ts` fails while a copy differs from node_modules.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `[from (under node_modules), to (under public/vendor)]` of every vendored file. */
export const VENDORED: readonly (readonly [string, string])[] = [
  ['uplot/dist/uPlot.esm.js', 'uplot/uPlot.esm.js'],
  ['uplot/dist/uPlot.min.css', 'uplot/uPlot.min.css'],
  ['uplot/LICENSE', 'uplot/LICENSE'],
];

/** Copies every vendored file; returns the destinations. */
export function vendorDashboard(base = root): string[] {
  return VENDORED.map(([from, to]) => {
    const dest = join(base, 'public/vendor', to);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(join(base, 'node_modules', from), dest);
    return dest;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const f of vendorDashboard()) console.log(`vendored ${f}`);
}
