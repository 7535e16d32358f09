/**
 * `npm run bench`: serves the bot's deploy bundle and a floor Worker directly in workerd
 * (Miniflare API, local D1, fake Discord REST), drives signed interactions over loopback
 * and prints throughput, CPU per request and latency as bot ÷ floor ratios, plus the bundle
 * size. Figures are printed, never asserted. Options: `--help`.
 */
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFakeDiscord } from '../src/testing/fake-discord/server';
import { VERSION } from '../src/version';
import { probe, runClosedLoop, runOpenLoop, type RunResult, type Target } from './lib/load';
import { renderReport } from './lib/report';
import { loadScenarios } from './lib/scenarios';
import { generateTestKeys, signPool } from './lib/sign';
import { BOT_BUNDLE_BUDGET_KIB, buildBotBundle, buildWebBundle, bundleSize, readWranglerConfig, serveBot, serveFloor, WEB_BUNDLE_BUDGET_KIB, type BundleSize } from './lib/workers';
import type { BenchOptions, CustomResult, Pair, Scenario, ScenarioContext, StandardResult } from './scenario';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench/out');
/** Whole-run watchdog: the benchmark always ends by itself (every run inside is bounded too). */
const WATCHDOG_MS = 20 * 60_000;

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    'latency-duration': { type: 'string' },
    concurrency: { type: 'string', default: '16,64' },
    'no-build': { type: 'boolean', default: false },
    bundle: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run bench -- [--only PING,/ping] [--quick] [--duration ms] [--rounds n]
  [--rate req/s] [--latency-duration ms] [--concurrency 16,64] [--no-build]
  [--bundle dir]   serve an already built bundle (e.g. an experiment) instead of building`);
  process.exit(0);
}

const options: BenchOptions = {
  concurrencies: args.concurrency!.split(',').map(Number),
  durationMs: Number(args.duration ?? (args.quick ? 1000 : 2500)),
  rounds: Number(args.rounds ?? (args.quick ? 1 : 2)),
  rate: Number(args.rate),
  latencyDurationMs: Number(args['latency-duration'] ?? (args.quick ? 2000 : 4000)),
  warmupMs: args.quick ? 200 : 400,
  settleMs: 150,
  maxRequests: 200_000,
  poolSize: 4096,
};

const log = (msg: string) => console.error(`[bench] ${msg}`);

async function runStandard(scenario: Scenario, ctx: ScenarioContext): Promise<StandardResult> {
  const factory = scenario.interaction!;
  const requests = signPool(ctx.keys, options.poolSize, factory);
  const bot = ctx.bot.target;
  const floor = ctx.floor.target;
  for (const target of [bot, floor]) {
    const { status, body } = await probe(target, requests[0]!);
    if (status !== 200) throw new Error(`${scenario.name}: ${target.name} answered ${status}: ${JSON.stringify(body)}`);
    if (target === bot) scenario.expect?.(body);
  }
  const bounds = { warmupMs: options.warmupMs, settleMs: options.settleMs, maxRequests: options.maxRequests };
  const throughput: StandardResult['throughput'] = [];
  // Floor and bot back to back, so both see the same machine (shared cores, other engineers'
  // load); the order alternates between rounds so neither always runs on a warmer machine.
  const pair = async (r: number, measure: (t: Target) => Promise<RunResult>) => {
    if (r % 2 === 0) {
      const f = await measure(floor);
      return { floor: f, bot: await measure(bot) };
    }
    const b = await measure(bot);
    return { floor: await measure(floor), bot: b };
  };
  for (const concurrency of options.concurrencies) {
    const rounds: Pair[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const { floor: f, bot: b } = await pair(r, (t) => runClosedLoop(t, requests, concurrency, options.durationMs, bounds));
      log(`${scenario.name} c${concurrency} round ${r + 1}: floor ${f.rps.toFixed(0)} req/s ${f.cpuPerRequestUs.toFixed(0)} µs, bot ${b.rps.toFixed(0)} req/s ${b.cpuPerRequestUs.toFixed(0)} µs`);
      for (const x of [f, b]) if (x.errors) log(`  ${x.errors} errors, first: ${x.firstError}`);
      rounds.push({ floor: f, bot: b });
    }
    throughput.push({ concurrency, rounds });
  }
  const open = { ...bounds, connections: 64 };
  const latency: Pair[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const { floor: f, bot: b } = await pair(r, (t) => runOpenLoop(t, requests, options.rate, options.latencyDurationMs, open));
    log(`${scenario.name} @${options.rate} req/s round ${r + 1}: floor p99 ${f.latency?.p99.toFixed(2)} ms, bot p99 ${b.latency?.p99.toFixed(2)} ms`);
    latency.push({ floor: f, bot: b });
  }
  return { kind: 'standard', name: scenario.name, targets: scenario.targets ?? {}, throughput, latency };
}

async function main(): Promise<void> {
  const started = Date.now();
  const scenarios = await loadScenarios(ROOT, args.only);

  const bundleDir = args.bundle ? resolve(args.bundle) : join(OUT, 'bot');
  let size: BundleSize;
  if (args['no-build'] || args.bundle) {
    size = bundleSize(bundleDir);
  } else {
    log('building the deploy bundle (wrangler deploy --dry-run)…');
    size = buildBotBundle(ROOT, bundleDir);
  }
  const webBundleDir = join(OUT, 'web');
  if (!args['no-build']) {
    log('building the web Worker bundle (wrangler deploy --dry-run -c workers/web/wrangler.toml)…');
    buildWebBundle(ROOT, webBundleDir);
  }
  const bundles: { name: string; size: BundleSize; target?: number }[] = [
    { name: 'bot (wrangler deploy --dry-run)', size, target: BOT_BUNDLE_BUDGET_KIB },
    { name: 'web (dashboard, API, calendar)', size: bundleSize(webBundleDir), target: WEB_BUNDLE_BUDGET_KIB },
  ];
  if (!args['no-build'] && !args.bundle && !args.quick) {
    // The other setting of `minify`, for comparison (not what deploys).
    const minified = readWranglerConfig(ROOT).minify === true;
    const flag = minified ? '--minify=false' : '--minify';
    bundles.push({ name: `bot with ${flag} (comparison only)`, size: buildBotBundle(ROOT, join(OUT, 'bot-alt'), [flag]) });
  }

  const keys = generateTestKeys();
  const fake = await startFakeDiscord({ port: 0 });
  const served: { dispose(): Promise<void> }[] = [];
  try {
    const bot = await serveBot({ root: ROOT, bundleDir, webBundleDir, publicKeyHex: keys.publicKeyHex, discordApiBase: `${fake.url}/api/v10` });
    served.push(bot);
    const floor = await serveFloor({ root: ROOT, outDir: join(OUT, 'floor'), publicKeyHex: keys.publicKeyHex });
    served.push(floor);
    log(`bot on ${bot.target.origin} (workerd pid ${bot.pids.join(',')}), floor on ${floor.target.origin} (workerd pid ${floor.pids.join(',')})`);
    const ctx: ScenarioContext = { bot, floor, keys, fakeDiscordUrl: fake.url, options };

    const standard: StandardResult[] = [];
    const custom: CustomResult[] = [];
    printReport = () => {
      const header = [
        `## ${new Date().toISOString().slice(0, 10)} — Gatehouse ${VERSION}`,
        '',
        `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end; Node ${process.version}. ` +
          `Closed-loop runs ${options.durationMs} ms × ${options.rounds} round(s) per concurrency after ${options.warmupMs} ms warm-up; ` +
          `latency runs ${options.latencyDurationMs} ms at ${options.rate} req/s. Took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
      ];
      console.log(renderReport({ standard, custom, bundles, rate: options.rate, header }));
      printReport = undefined;
    };
    for (const scenario of scenarios) {
      log(`scenario ${scenario.name}: ${scenario.description}`);
      try {
        await scenario.setup?.(ctx);
        if (scenario.run) custom.push(await scenario.run(ctx));
        else standard.push(await runStandard(scenario, ctx));
      } catch (error) {
        // One broken scenario must not cost the figures of the others.
        log(`scenario ${scenario.name} failed: ${(error as Error)?.stack ?? String(error)}`);
        custom.push({ kind: 'custom', name: `${scenario.name}: FAILED`, rows: [{ error: String(error).slice(0, 300) }] });
        process.exitCode = 1;
      }
    }
    printReport?.();
  } finally {
    for (const s of served.reverse()) await s.dispose();
    await fake.close();
  }
}

/** Prints the tables of what has been measured so far (once). */
let printReport: (() => void) | undefined;

const watchdog = setTimeout(() => {
  console.error(`[bench] still running after ${WATCHDOG_MS / 1000} s: giving up (partial tables below)`);
  printReport?.();
  process.exit(2);
}, WATCHDOG_MS);
watchdog.unref();

try {
  await main();
} catch (error) {
  console.error('[bench] failed:', error);
  process.exitCode = 1;
}
