/**
 * `npm run demo`: the scripted scenario (src/emulator/scenarios) through a fresh emulator stack
 * on free ports (your `npm start` server is not touched), printing a readable transcript. Exits
 * non-zero when a step fails or when any REST call the bot made is one Discord's spec refuses.
 * It is also CI's end-to-end smoke test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevVars } from '../src/emulator/dev-vars';
import { runScenarios } from '../src/emulator/scenario';
import { scenarios } from '../src/emulator/scenarios/gate-and-moderation';
import { startStack } from '../src/emulator/stack';

const tmp = mkdtempSync(join(tmpdir(), 'gatehouse-demo-'));
const t0 = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);
let code = 0;
ensureDevVars(tmp);
const stack = await startStack({ root: process.cwd(), devVarsDir: tmp, dir: join(tmp, 'emulator'), persistTo: join(tmp, 'state'), ports: { bot: 0, page: 0, rest: 0, gateway: 0, cdn: 0 }, log });
try {
  const violations = await runScenarios(stack.emulator, stack.world!, scenarios, (line) => console.log(line));
  if (violations.length > 0) {
    code = 1;
    console.error(`\nFAIL: ${violations.length} REST call(s) Discord's spec refuses:`);
    for (const v of violations) console.error(`  ${v}`);
  } else console.log(`\nOK: every REST call the bot made passed Discord's spec (${stack.emulator.state.calls.length} calls).`);
} catch (e) {
  code = 1;
  console.error(`\nFAIL: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await stack.stop();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
