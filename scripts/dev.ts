/**
 * `npm start` (`-- --reset` to start fresh): runs Gatehouse locally.
 *
 * On a fresh clone it writes `.dev.vars` with a generated development keypair pointing the bot
 * at the local fake Discord, then starts the emulator (src/emulator): fake REST + gateway, avatar
 * CDN, the bot and scanner Workers under `wrangler dev` (local D1, queues, Durable Object,
 * crons), a seeded server, and a page to use it from. With your real application's values in
 * `.dev.vars` (a DISCORD_API_BASE that is not loopback) it runs `wrangler dev` against Discord
 * alone, as before, and starts no emulator.
 */
import { spawn, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { DEFAULT_PORTS, ensureDevVars, isLocalDiscord, readDevVars } from '../src/emulator/dev-vars';
import { startStack } from '../src/emulator/stack';

const { values, positionals } = parseArgs({ allowPositionals: true, strict: false, options: { reset: { type: 'boolean' } } });
const root = process.cwd();
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

if (ensureDevVars(root)) console.log('Wrote .dev.vars (development keypair, local fake Discord).');
const vars = readDevVars(root);

if (isLocalDiscord(vars)) {
  const t0 = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  try {
    const stack = await startStack({ root, reset: values.reset === true, log });
    console.log(`\nGatehouse emulator ready: ${stack.pageUrl}   (${process.uptime().toFixed(1)} s; bot ${stack.botUrl}; Ctrl-C to stop)`);
    let stopping = false;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (stopping) return;
        stopping = true;
        void stack.stop().then(() => process.exit(0));
      });
    }
  } catch (e) {
    console.error(`npm start failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
} else {
  console.log(`.dev.vars points at ${vars.DISCORD_API_BASE ?? 'Discord'}: running the bot alone (no emulator) on http://127.0.0.1:${DEFAULT_PORTS.bot}.`);
  const migrate = spawnSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local'], { stdio: 'inherit', env });
  if (migrate.status !== 0) process.exit(migrate.status ?? 1);
  const dev = spawn('npx', ['wrangler', 'dev', '--port', String(DEFAULT_PORTS.bot), '--ip', '127.0.0.1', ...positionals], { stdio: 'inherit', env });
  dev.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal));
}
