/**
 * `npx tsx bench/profile.ts --only /ping [--target bot|floor] [--seconds 5] [--concurrency 16] [--no-build]`:
 * drives one scenario against the bot (or the floor) with workerd's inspector open, samples a CPU profile
 * of the bot's isolate, prints the top functions by self and inclusive time and writes
 * `bench/out/<target>-<scenario>.cpuprofile` (open it in Chrome DevTools → Performance). The bot
 * is built unminified for readable names, so its figures differ slightly from `npm run bench`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFakeDiscord } from '../src/testing/fake-discord/server';
import { runClosedLoop } from './lib/load';
import { connectInspector, summarizeProfile, type CpuProfile } from './lib/profiler';
import { markdownTable } from './lib/report';
import { loadScenarios } from './lib/scenarios';
import { generateTestKeys, signPool } from './lib/sign';
import { buildBotBundle, serveBot, serveFloor } from './lib/workers';
import { freePort } from '../src/testing/free-port';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench/out');
const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: '/ping' },
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '16' },
    top: { type: 'string', default: '25' },
    target: { type: 'string', default: 'bot' },
    'no-build': { type: 'boolean', default: false },
  },
});


const [scenario] = await loadScenarios(ROOT, args.only);
if (!scenario?.interaction) throw new Error('profile needs a standard scenario (one with interaction)');
// Unminified, so the profile shows the source's function names (bench/out/bot-profile/index.js).
const bundleDir = join(OUT, 'bot-profile');
if (!args['no-build']) buildBotBundle(ROOT, bundleDir, ['--minify=false']);
const keys = generateTestKeys();
const fake = await startFakeDiscord({ port: 0 });
const inspectorPort = await freePort();
const profileFloor = args.target === 'floor';
const bot = await serveBot({
  root: ROOT,
  bundleDir,
  publicKeyHex: keys.publicKeyHex,
  discordApiBase: `${fake.url}/api/v10`,
  ...(profileFloor ? {} : { inspectorPort }),
});
const floor = await serveFloor({ root: ROOT, outDir: join(OUT, 'floor'), publicKeyHex: keys.publicKeyHex, ...(profileFloor ? { inspectorPort } : {}) });
const target = profileFloor ? floor : bot;
try {
  const options = { concurrencies: [16], durationMs: 1000, rounds: 1, rate: 1000, latencyDurationMs: 1000, warmupMs: 300, settleMs: 100, maxRequests: 1e6, poolSize: 4096 };
  await scenario.setup?.({ bot, floor, keys, fakeDiscordUrl: fake.url, options });
  const requests = signPool(keys, options.poolSize, scenario.interaction);
  const session = await connectInspector(inspectorPort, target.target.name);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 100 });
  await session.send('Profiler.start');
  const run = await runClosedLoop(target.target, requests, Number(args.concurrency), Number(args.seconds) * 1000, options);
  const { profile } = await session.send<{ profile: CpuProfile }>('Profiler.stop');
  session.close();
  const file = join(OUT, `${target.target.name}-${scenario.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const summary = summarizeProfile(profile, Number(args.top));
  const rows = (lines: typeof summary.self) => lines.map((l) => ({ function: l.fn, 'self %': l.selfPct.toFixed(1), 'incl %': l.totalPct.toFixed(1) }));
  console.log(`${target.target.name} ${scenario.name}: ${run.requests} requests, ${run.rps.toFixed(0)} req/s, ${run.cpuPerRequestUs.toFixed(0)} µs CPU/req (profiler on); ${summary.samples} samples; ${file}\n`);
  console.log(`By self time\n\n${markdownTable(rows(summary.self))}\n\nBy inclusive time\n\n${markdownTable(rows(summary.total))}`);
} finally {
  await floor.dispose();
  await bot.dispose();
  await fake.close();
}
