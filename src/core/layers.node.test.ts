/**
 * The layers import one way: the platform (`src/core`) uses the Discord client and the relay
 * (`src/discord`), never the reverse, so neither folder depends on the other in a cycle. The
 * graph is read from the source (static `import`/`export … from`, type-only ones included);
 * tests may reach across.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `src`-relative paths a file imports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*['"]([^'"]+)['"]/g), ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(file), s)));
}

function edges(from: string, to: string): string[] {
  return sources(join(SRC, from)).flatMap((file) =>
    importsOf(file)
      .filter((target) => target === to || target.startsWith(`${to}/`))
      .map((target) => `${relative(SRC, file)} → ${target}`),
  );
}

describe('layers', () => {
  it('src/discord imports nothing from src/core or src/features', () => {
    expect(edges('discord', 'core')).toEqual([]);
    expect(edges('discord', 'features')).toEqual([]);
  });

  it('src/core names no feature', () => {
    expect(edges('core', 'features')).toEqual([]);
  });

  it('reads the graph it checks (core does use discord)', () => {
    expect(edges('core', 'discord').length).toBeGreaterThan(0);
  });
});
