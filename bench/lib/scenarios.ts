/** Discovers the scenarios in `bench/scenarios/` (file-name order). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from '../scenario';

/** Every scenario, or those whose names are listed in `only` (comma-separated, case-insensitive). */
export async function loadScenarios(root: string, only?: string): Promise<Scenario[]> {
  const dir = join(root, 'bench/scenarios');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.includes('.test.')).sort();
  const scenarios: Scenario[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: Scenario };
    if (!mod.default) throw new Error(`bench/scenarios/${f} has no default export`);
    scenarios.push(mod.default);
  }
  const names = only?.split(',').map((s) => s.trim().toLowerCase());
  const picked = names ? scenarios.filter((s) => names.includes(s.name.toLowerCase())) : scenarios;
  if (picked.length === 0) throw new Error(`no scenario matches ${only}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  return picked;
}
