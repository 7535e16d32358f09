/**
 * Page weight of the dashboard (issue 12: the first page's JavaScript under 100 KiB gzip; we
 * hold every page to it), the vendored chart library byte-identical to node_modules (so an
 * upgrade is `npm install` + `scripts/vendor-dashboard.ts`), and the pages' staff levels
 * agreeing with the platform's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STAFF_LEVELS } from '../src/core/staff';
import { PAGE_BUDGET, graph, pageWeights, shellEntries } from './dashboard-weight';
import { VENDORED } from './vendor-dashboard';

const root = join(import.meta.dirname, '..');
const publicDir = join(root, 'public');

describe('dashboard page weight', () => {
  const w = pageWeights(publicDir);

  it('the first page (shell + server picker) loads under 100 KiB of gzipped JavaScript', () => {
    const first = w.pages.find((p) => p.path === '/');
    expect(first, 'the page table has a "/" page').toBeDefined();
    expect(first!.files).toContain('js/app.js');
    expect(first!.files).toContain('js/pages/guilds.js');
    // The chart library is not part of it: only the pages that draw a chart load it.
    expect(first!.files.some((f) => f.startsWith('vendor/'))).toBe(false);
    expect(first!.bytes).toBeLessThan(PAGE_BUDGET);
  });

  it('every page, with everything it imports (the chart library included), stays under 100 KiB gzip', () => {
    expect(w.pages.length).toBeGreaterThanOrEqual(9);
    for (const p of w.pages) expect(p.bytes, `${p.path}: ${p.files.join(', ')}`).toBeLessThan(PAGE_BUDGET);
    const overview = w.pages.find((p) => p.path.endsWith('/overview'))!;
    expect(overview.files).toContain('vendor/uplot/uPlot.esm.js');
  });

  it('the shell has no inline script (the CSP forbids it) and every import resolves to a file', () => {
    const html = readFileSync(join(publicDir, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle=/i);
    // graph() reads every file it reaches: a missing one throws.
    expect(() => graph(publicDir, [...shellEntries(publicDir), ...w.pages.map((p) => p.module)], true)).not.toThrow();
  });
});

describe('vendored browser libraries', () => {
  it.each(VENDORED.map(([from, to]) => [from, to]))('public/vendor/%s is node_modules/%s byte for byte', (from, to) => {
    expect(readFileSync(join(publicDir, 'vendor', to)).equals(readFileSync(join(root, 'node_modules', from)))).toBe(true);
  });
});

describe('the pages\' access table', () => {
  it('uses the platform\'s staff levels in the platform\'s order', async () => {
    // A browser module without types: loaded by URL.
    const access = (await import(pathToFileURL(join(publicDir, 'js/access.js')).href)) as { STAFF_LEVELS: string[]; allows(grant: object, required: string): boolean };
    expect(access.STAFF_LEVELS).toEqual([...STAFF_LEVELS]);
    expect(access.allows({ manager: false, level: 'reviewer' }, 'reviewer')).toBe(true);
    expect(access.allows({ manager: false, level: 'reviewer' }, 'moderator')).toBe(false);
    expect(access.allows({ manager: false, level: 'administrator' }, 'manager')).toBe(false);
    expect(access.allows({ manager: true, level: 'everyone' }, 'moderator')).toBe(true);
  });
});
