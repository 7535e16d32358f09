/**
 * Everything `npm start` runs locally when `.dev.vars` points at the local fake Discord: the
 * fake REST (its `default` session is the emulator's world), the fake gateway (the relay
 * connects to it), the avatar CDN, the web, bot and scanner Workers in one `wrangler dev` (local
 * D1, queues, Durable Objects; crons fired each minute through `--test-scheduled`), the seeded
 * server, and the emulator page. `wrangler dev` serves only its first Worker over HTTP, so the
 * web Worker comes first: it serves the dashboard and passes `/interactions`, `/health` and
 * the crons on to the bot Worker (workers/web/index.ts); `botUrl` is that one address.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SessionState } from '../testing/fake-discord/state.ts';
import { startFakeDiscord } from '../testing/fake-discord/server.ts';
import { FakeGateway } from '../testing/fake-gateway/client.ts';
import { startFakeGateway } from '../testing/fake-gateway/server.ts';
import { freePort } from '../testing/free-port.ts';
import { startCdn } from './cdn.ts';
import { DEFAULT_PORTS, readDevVars } from './dev-vars.ts';
import { Emulator } from './emulator.ts';
import { loadWorld, readWorld, saveWorld, writeWorld } from './persist.ts';
import type { SeededWorld } from './seed.ts';
import { startPageServer } from './server.ts';

/** Options of {@link startStack}. */
export interface StackOptions {
  /** The project root (where wrangler.toml and .dev.vars are). */
  root: string;
  /** Ports (0: any free one). Default {@link DEFAULT_PORTS}. */
  ports?: Partial<Record<keyof typeof DEFAULT_PORTS, number>>;
  /** Where `.dev.vars` and `.dev.keys.json` are. Default `root`. */
  devVarsDir?: string;
  /** Where the emulator keeps its files (world JSON, logs, run vars). Default `<root>/.wrangler/emulator`. */
  dir?: string;
  /** Wrangler's local state (D1, queues, DO). Default `<root>/.wrangler/state`. */
  persistTo?: string;
  /** Start fresh: forget the saved world and the local D1/DO state. */
  reset?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Fire the crons every minute (default true). */
  crons?: boolean;
}

/**
 * A copy of the wrangler config `config` (relative to `root`) in `dir`, its paths made
 * absolute, with `devVars` as the `.dev.vars` beside it: how a Worker after the first in a
 * multi-config `wrangler dev` gets this run's values (it reads no --env-file).
 */
export function secondaryConfig(root: string, dir: string, config: string, devVars: string): string {
  const from = dirname(join(root, config));
  const text = readFileSync(join(root, config), 'utf8').replace(
    /^(main|migrations_dir|directory)(\s*=\s*)"([^"]+)"/gm,
    (_, key: string, eq: string, path: string) => `${key}${eq}${JSON.stringify(resolve(from, path))}`,
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'wrangler.toml'), text);
  writeFileSync(join(dir, '.dev.vars'), devVars);
  return join(dir, 'wrangler.toml');
}

/** A running stack. */
export interface Stack {
  emulator: Emulator;
  pageUrl: string;
  botUrl: string;
  fakeUrl: string;
  gatewayUrl: string;
  cdnUrl: string;
  world: SeededWorld | null;
  /** Fires one cron expression now (what the minute ticker does). */
  fireCron(cron: string): Promise<void>;
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}; see ${logFile}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not answer ${url} within ${timeoutMs / 1000} s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function migrationsHash(root: string): string {
  const dir = join(root, 'migrations');
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

/** Starts the whole local stack (see the file comment). */
export async function startStack(options: StackOptions): Promise<Stack> {
  const started = Date.now();
  const root = options.root;
  const log = options.log ?? (() => {});
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const dir = options.dir ?? join(root, '.wrangler/emulator');
  const persistTo = options.persistTo ?? join(root, '.wrangler/state');
  const worldFile = join(dir, 'world.json');
  if (options.reset) {
    log('reset: forgetting the saved server and the local D1/queue/Durable Object state');
    rmSync(dir, { recursive: true, force: true });
    rmSync(persistTo, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  const varsDir = options.devVarsDir ?? root;
  const vars = readDevVars(varsDir);
  const applicationId = vars.DISCORD_APPLICATION_ID;
  const token = vars.DISCORD_BOT_TOKEN;
  if (!applicationId || !token || !vars.DISCORD_PUBLIC_KEY) throw new Error('.dev.vars lacks DISCORD_APPLICATION_ID, DISCORD_BOT_TOKEN or DISCORD_PUBLIC_KEY');
  const signingKey = readFileSync(join(varsDir, '.dev.keys.json'), 'utf8');

  const stoppers: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s();
  };
  try {
    // The fake Discord's bot user is the application id in .dev.vars: the bot finds itself.
    const state = new SessionState('default', { applicationId, requireUserAgent: false });
    const saved = readWorld(worldFile);
    let meta: Record<string, unknown> = {};
    // The world and the bot's local D1 belong together: without the D1 state, seed afresh.
    if (saved && saved.applicationId === applicationId && existsSync(persistTo)) {
      loadWorld(state, saved);
      meta = saved.meta;
    }
    const fake = await startFakeDiscord({ port: ports.rest, defaultState: state });
    stoppers.push(() => fake.close());
    const gatewayServer = await startFakeGateway({ port: ports.gateway });
    stoppers.push(() => gatewayServer.close());
    // The same instance id on every start: the relay's saved resume URL still reaches it.
    const gatewayId = typeof meta.gatewayId === 'string' ? meta.gatewayId : randomBytes(8).toString('hex');
    const gateway = await FakeGateway.create(gatewayServer.url, { token, id: gatewayId });
    state.gateway = { url: gateway.url, shards: 1 };
    const cdn = await startCdn(ports.cdn);
    stoppers.push(() => cdn.close());
    log(`fake Discord REST ${fake.url}, gateway ${gatewayServer.url}, avatar CDN ${cdn.url}`);

    // Values on top of .dev.vars for this run: the ports actually bound.
    const runVars = join(dir, 'run.vars');
    writeFileSync(
      runVars,
      [
        `DISCORD_API_BASE=${fake.url}/api/v10`,
        `DISCORD_GATEWAY_URL=${gateway.url}`,
        `DISCORD_CDN_BASE=${cdn.url}`,
        '',
      ].join('\n'),
    );
    const devVarsText = `${readFileSync(join(varsDir, '.dev.vars'), 'utf8').trimEnd()}\n${readFileSync(runVars, 'utf8')}`;
    const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
    if (!existsSync(join(root, '.model/nsfw-mobilenet-v2.onnx'))) {
      // The scanner Worker bundles the converted avatar model (git-ignored, built once, offline).
      log('building the avatar model for the scanner (first run only)…');
      const built = spawnSync(join(root, 'node_modules/.bin/tsx'), ['scripts/model/build.ts', '--if-missing'], { cwd: root, env, encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`npm run model:build failed:\n${built.stdout}\n${built.stderr}`);
    }
    // wrangler itself, not through `npx` (npm exec costs a second or more on a busy machine).
    const wrangler = join(root, 'node_modules/.bin/wrangler');
    const hash = migrationsHash(root);
    const hashFile = join(dir, 'migrations.sha256');
    if (!existsSync(hashFile) || readFileSync(hashFile, 'utf8') !== hash || !existsSync(persistTo)) {
      log('applying D1 migrations to local D1…');
      const migrate = spawnSync(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], { cwd: root, env, encoding: 'utf8' });
      if (migrate.status !== 0) throw new Error(`wrangler d1 migrations apply failed:\n${migrate.stdout}\n${migrate.stderr}`);
      writeFileSync(hashFile, hash);
    }

    log('starting the web, bot and scanner Workers (wrangler dev: local D1, queues, Durable Objects, crons)…');
    const logFile = join(dir, 'wrangler.log');
    const out = createWriteStream(logFile);
    const port = ports.bot || (await freePort());
    const args = [
      'dev',
      '-c', 'workers/web/wrangler.toml',
      // wrangler gives its --env-file values to the first Worker only; the others read the
      // .dev.vars beside their config: copies of their configs, each with the run's values.
      '-c', secondaryConfig(root, join(dir, 'workers/bot'), 'wrangler.toml', devVarsText),
      '-c', secondaryConfig(root, join(dir, 'workers/scanner'), 'workers/scanner/wrangler.toml', devVarsText),
      '--ip', '127.0.0.1',
      '--port', String(port),
      '--inspector-port', '0',
      '--env-file', join(varsDir, '.dev.vars'),
      '--env-file', runVars,
      // With a `[secrets]` section wrangler loads from env files only the names in [vars] or
      // `required`: WEBHOOKS_SECRET is optional (webhooks off without it), so pass it here (the
      // web Worker, first, runs the webhooks API and consumer). A local, random value.
      ...(vars.WEBHOOKS_SECRET ? ['--var', `WEBHOOKS_SECRET:${vars.WEBHOOKS_SECRET}`] : []),
      '--persist-to', persistTo,
      '--test-scheduled',
      '--show-interactive-dev-session=false',
      '--log-level', 'warn',
    ];
    const child = spawn(wrangler, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    // wrangler runs in its own process group (so stop() can end workerd too); never leave it
    // behind when this process ends some other way.
    const orphanGuard = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    process.once('exit', orphanGuard);
    stoppers.push(() => void process.off('exit', orphanGuard));
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    stoppers.push(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          try {
            process.kill(-child.pid!, 'SIGTERM');
          } catch {
            resolve();
          }
          setTimeout(() => {
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {
              // gone
            }
          }, 3000).unref();
        }),
    );
    const botUrl = `http://127.0.0.1:${port}`;
    await waitFor(`${botUrl}/health`, child, 90_000, logFile);
    log(`web and bot Workers ready on ${botUrl}`);

    const fireCron = async (cron: string) => {
      await fetch(`${botUrl}/__scheduled?cron=${encodeURIComponent(cron)}`).then((r) => r.text()).catch(() => undefined);
    };
    const emulator = new Emulator({ state, fakeUrl: fake.url, botUrl, signingKey, gateway, cdnUrl: cdn.url, guildId: typeof meta.guildId === 'string' ? meta.guildId : null });
    let world = (meta.world as SeededWorld | undefined) ?? null;
    if (!world) {
      log('first run: seeding the server…');
      // Loaded only here: it pulls in every feature (the manifest), which a warm start never needs.
      const { seedWorld } = await import('./seed.ts');
      world = await seedWorld(emulator, { DISCORD_BOT_TOKEN: token, DISCORD_APPLICATION_ID: applicationId, DISCORD_API_BASE: `${fake.url}/api/v10` }, log);
    }
    const save = () => writeWorld(worldFile, saveWorld(state, { guildId: emulator.guildId, world, gatewayId: gateway.id }));
    save();
    let saveTimer: NodeJS.Timeout | null = null;
    const unsubscribe = emulator.subscribe(() => {
      saveTimer ??= setTimeout(() => {
        saveTimer = null;
        save();
      }, 500);
    });
    stoppers.push(() => {
      unsubscribe();
      if (saveTimer) clearTimeout(saveTimer);
      save();
    });

    // Crons: the minute cron now (it starts the gateway relay), then on every minute boundary.
    if (options.crons !== false) {
      // Not awaited: the first run starts the gateway relay, which need not delay "ready".
      void fireCron('* * * * *');
      let timer: NodeJS.Timeout;
      const tick = () => {
        const now = new Date();
        timer = setTimeout(() => {
          void fireCron('* * * * *');
          if (new Date().getUTCMinutes() === 0) void fireCron('0 * * * *');
          tick();
        }, 60_000 - (now.getUTCSeconds() * 1000 + now.getUTCMilliseconds()) + 50);
        timer.unref();
      };
      tick();
      stoppers.push(() => clearTimeout(timer));
    }

    const page = await startPageServer(emulator, { port: ports.page });
    stoppers.push(() => page.close());
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: open ${page.url}`);
    return { emulator, pageUrl: page.url, botUrl, fakeUrl: fake.url, gatewayUrl: gatewayServer.url, cdnUrl: cdn.url, world, fireCron, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
