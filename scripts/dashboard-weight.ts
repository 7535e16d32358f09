/**
 * The dashboard's page weight: the JavaScript a page loads, gzipped. The shell is
 * `public/index.html`'s module scripts and everything they import statically; a page adds its
 * module (`public/js/pages/index.js` lists them, loaded with `import()`) and whatever that
 * module imports, statically or with `import()` (the chart library, for example). Run it to
 * print each page: `npx tsx scripts/dashboard-weight.ts`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The budget of any one page, in bytes of gzip. */
export const PAGE_BUDGET = 100 * 1024;

const STATIC = /(?:^|[;\s])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Resolves a specifier found in `from` (a path under public/, e.g. `/js/app.js`). */
function resolve(from: string, spec: string): string {
  return (spec.startsWith('/') ? posix.normalize(spec) : posix.normalize(posix.join(posix.dirname(from), spec))).replace(/^\//, '');
}

function read(publicDir: string, path: string): string {
  return readFileSync(join(publicDir, path), 'utf8');
}

/** The specifiers of `path`'s static and dynamic imports. */
export function importsOf(publicDir: string, path: string): { static: string[]; dynamic: string[] } {
  const src = read(publicDir, path);
  const stat = [...src.matchAll(STATIC)].map((m) => resolve(path, (m[1] ?? m[2])!));
  const dyn = [...src.matchAll(DYNAMIC)].map((m) => resolve(path, m[1]!));
  return { static: stat, dynamic: dyn };
}

/** Every file reachable from `entries` (static imports; dynamic ones too with `followDynamic`). */
export function graph(publicDir: string, entries: string[], followDynamic: boolean, seen = new Set<string>()): Set<string> {
  const queue = [...entries];
  while (queue.length) {
    const f = queue.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const i = importsOf(publicDir, f);
    queue.push(...i.static, ...(followDynamic ? i.dynamic : []));
  }
  return seen;
}

/** The module scripts of index.html. */
export function shellEntries(publicDir: string): string[] {
  const html = read(publicDir, 'index.html');
  return [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((m) => posix.normalize(m[1]!).replace(/^\//, ''));
}

/** Gzipped bytes of the files together (each gzipped alone, as they are served). */
export function gzipBytes(publicDir: string, files: Iterable<string>): number {
  let n = 0;
  for (const f of files) n += gzipSync(readFileSync(join(publicDir, f)), { level: 9 }).length;
  return n;
}

/** The weight of the shell alone and of each page (route pattern → bytes, files). */
export function pageWeights(publicDir = join(root, 'public')): { shell: { bytes: number; files: string[] }; pages: { path: string; module: string; bytes: number; files: string[] }[] } {
  const entries = shellEntries(publicDir);
  const shell = graph(publicDir, entries, false);
  const table = read(publicDir, 'js/pages/index.js');
  const pages = [...table.matchAll(/path:\s*'([^']+)'[^\n]*?import\('([^']+)'\)/g)].map((m) => {
    const module = resolve('js/pages/index.js', m[2]!);
    const files = graph(publicDir, [module], true, new Set(shell));
    return { path: m[1]!, module, bytes: gzipBytes(publicDir, files), files: [...files].sort() };
  });
  return { shell: { bytes: gzipBytes(publicDir, shell), files: [...shell].sort() }, pages };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const w = pageWeights();
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`shell: ${kib(w.shell.bytes)} gzip (${w.shell.files.length} files)`);
  for (const p of w.pages) console.log(`${p.path.padEnd(28)} ${kib(p.bytes).padStart(9)} gzip  (${p.files.length} files)`);
}
