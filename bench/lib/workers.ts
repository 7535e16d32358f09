/**
 * Serving the Workers under test directly in workerd through Miniflare's API: the bot's
 * deploy bundle (`wrangler deploy --dry-run`) with a local D1, and the floor Worker. Each
 * runs in its own Miniflare instance, so each has its own workerd process whose CPU time is
 * read from `/proc`. Requests reach the Worker on a direct socket, bypassing Miniflare's
 * entry Worker.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare, convertV4MiniflareOptions, type V4WorkerOptions } from 'miniflare';
import ts from 'typescript';
import { unstable_readConfig, type Unstable_Config } from 'wrangler';
import type { Target } from './load';
import { clockTicksPerSecond, cpuSeconds, workerdPids } from './proc';

export { BOT_BUNDLE_BUDGET_KIB, buildBotBundle, buildWebBundle, bundleSize, WEB_BUNDLE_BUDGET_KIB, type BundleSize } from './bundle';

/** The D1 database handle Miniflare gives Node. */
export type BenchD1 = Awaited<ReturnType<Miniflare['getD1Database']>>;

/** A Worker being served, ready to be driven. */
export interface ServedWorker {
  target: Target;
  /** workerd pid(s) whose CPU is counted. */
  pids: number[];
  mf: Miniflare;
  /** Calls `listener` with every line the Worker logs (console.*) until the returned function is called. */
  onLog(listener: (message: string) => void): () => void;
  dispose(): Promise<void>;
}

const TICKS = clockTicksPerSecond();

/** `WEBHOOKS_SECRET` of the served Workers: scenario 60 seals its subscription's secret under it. */
export const BENCH_WEBHOOKS_SECRET = 'bench-webhooks-master-secret-0123456789';


/** The parsed `wrangler.toml` (wrangler's own reader, so the bench follows the deploy config). */
export function readWranglerConfig(root: string): Unstable_Config {
  return unstable_readConfig({ config: join(root, 'wrangler.toml') });
}

function compatibility(config: Unstable_Config): Pick<V4WorkerOptions, 'compatibilityDate' | 'compatibilityFlags'> {
  if (!config.compatibility_date) throw new Error('wrangler.toml has no compatibility_date');
  return { compatibilityDate: config.compatibility_date, compatibilityFlags: config.compatibility_flags ?? [] };
}

/** Serves `worker` (and `also`, in the same workerd: shared D1, bindable to each other) on direct sockets. */
async function serve(name: string, worker: V4WorkerOptions, inspectorPort?: number, also: (V4WorkerOptions & { name: string })[] = []): Promise<ServedWorker & { urls: Record<string, string> }> {
  const before = new Set(workerdPids());
  const listeners = new Set<(message: string) => void>();
  // Miniflare 5 takes its own option shape; the v4 shape (documented, stable) is converted.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...(inspectorPort ? { inspectorPort } : {}),
      handleStructuredLogs: (log) => listeners.forEach((listener) => listener(log.message)),
      workers: [{ ...worker, name, unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }] }, ...also.map((w) => ({ ...w, unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }] }))],
    }),
  );
  await mf.ready;
  const url = await mf.unsafeGetDirectURL(name);
  const urls: Record<string, string> = {};
  for (const w of also) urls[w.name] = (await mf.unsafeGetDirectURL(w.name)).origin;
  const pids = workerdPids().filter((pid) => !before.has(pid));
  if (pids.length === 0) console.warn(`[bench] no workerd process found for ${name}: CPU/request will read 0`);
  return {
    mf,
    pids,
    target: { name, origin: url.origin, path: '/interactions', cpuSeconds: () => cpuSeconds(pids, TICKS) },
    onLog: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => mf.dispose(),
    urls,
  };
}

/** What the bot is started with. */
export interface BotOptions {
  root: string;
  /** Folder holding the dry-run bundle (`index.js`). */
  bundleDir: string;
  publicKeyHex: string;
  discordApiBase: string;
  /** Open workerd's inspector on this port (profiling). */
  inspectorPort?: number;
  /** Folder holding the web Worker's dry-run bundle: served too, as `web` (the dashboard API). */
  webBundleDir?: string;
}

/**
 * Serves the bot's deploy bundle with the bindings `wrangler.toml` declares (vars, D1 in
 * memory, queue producers, Durable Objects; static assets are left out: `/interactions`
 * runs the Worker first) and applies the D1 migrations through the binding.
 */
export async function serveBot(options: BotOptions): Promise<ServedWorker & { db: BenchD1; web: Target | null }> {
  const config = readWranglerConfig(options.root);
  const d1 = config.d1_databases[0];
  if (!d1) throw new Error('wrangler.toml declares no D1 database');
  const bindings = {
    ...(config.vars as Record<string, string>),
    DISCORD_APPLICATION_ID: '1100000000000000001',
    DISCORD_PUBLIC_KEY: options.publicKeyHex,
    DISCORD_API_BASE: options.discordApiBase,
    DISCORD_BOT_TOKEN: 'bench-bot-token',
    DISCORD_CLIENT_SECRET: 'bench-client-secret',
    // Webhooks on, to the bench's loopback receiver (scenario 60).
    WEBHOOKS_SECRET: BENCH_WEBHOOKS_SECRET,
    WEBHOOKS_LOCAL: 'true',
  };
  const d1Databases = Object.fromEntries(config.d1_databases.map((d) => [d.binding, d.database_id ?? d.binding]));
  const queueProducers = Object.fromEntries((config.queues.producers ?? []).map((q) => [q.binding, { queueName: q.queue ?? q.binding }]));
  // The web Worker as workers/web/wrangler.toml binds it: the bot's Durable Objects and the bot as BOT.
  const web = options.webBundleDir
    ? [{
        name: 'web',
        modulesRoot: options.webBundleDir,
        modules: [{ type: 'ESModule' as const, path: join(options.webBundleDir, 'index.js') }],
        ...compatibility(config),
        bindings,
        d1Databases,
        queueProducers,
        durableObjects: Object.fromEntries(config.durable_objects.bindings.map((b) => [b.name, { className: b.class_name, scriptName: 'bot', useSQLite: true }])),
        serviceBindings: { BOT: { name: 'bot', entrypoint: 'BotService' } },
        // As workers/web/wrangler.toml: the web Worker consumes the webhook deliveries.
        queueConsumers: Object.fromEntries(
          (unstable_readConfig({ config: join(options.root, 'workers/web/wrangler.toml') }).queues.consumers ?? []).map((c: { queue: string; max_batch_size?: number; max_batch_timeout?: number }) => [c.queue, { maxBatchSize: c.max_batch_size ?? 10, maxBatchTimeout: c.max_batch_timeout ?? 1 }]),
        ),
      }]
    : [];
  const served = await serve('bot', {
    modulesRoot: options.bundleDir,
    modules: [{ type: 'ESModule', path: join(options.bundleDir, 'index.js') }],
    ...compatibility(config),
    bindings,
    d1Databases,
    queueProducers,
    durableObjects: Object.fromEntries(config.durable_objects.bindings.map((b) => [b.name, { className: b.class_name, useSQLite: true }])),
  }, options.inspectorPort, web);
  const db = await served.mf.getD1Database(d1.binding, 'bot');
  await applyMigrations(db, join(options.root, d1.migrations_dir ?? 'migrations'));
  const webUrl = served.urls.web;
  return { ...served, db, web: webUrl ? { ...served.target, name: 'web', origin: webUrl, path: '/api' } : null };
}

/** Applies every `NNNN_*.sql` in `dir`, in order, through the D1 binding. */
export async function applyMigrations(db: BenchD1, dir: string): Promise<void> {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const statements = readFileSync(join(dir, file), 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter(Boolean);
    if (statements.length) await db.batch(statements.map((s) => db.prepare(s)));
  }
}

/** Transpiles `bench/floor-worker.ts` into `outDir` and serves it. */
export async function serveFloor(options: { root: string; outDir: string; publicKeyHex: string; inspectorPort?: number }): Promise<ServedWorker> {
  const source = readFileSync(join(options.root, 'bench/floor-worker.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 } });
  mkdirSync(options.outDir, { recursive: true });
  const path = join(options.outDir, 'floor-worker.js');
  writeFileSync(path, outputText);
  return serve('floor', {
    modulesRoot: options.outDir,
    modules: [{ type: 'ESModule', path }],
    ...compatibility(readWranglerConfig(options.root)),
    bindings: { DISCORD_PUBLIC_KEY: options.publicKeyHex },
  }, options.inspectorPort);
}
