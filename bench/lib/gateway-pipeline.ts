/**
 * The gateway pipeline benchmark's driver: fake gateway (Node, `ws`) → relay Durable Object →
 * EVENTS queue → the bot Worker's queue consumer → event lake (D1), all in workerd.
 *
 * The shared bench bot (`ctx.bot`) has no queue consumer and no gateway URL, so this serves
 * its own copy of the same deploy bundle with the consumer `wrangler.toml` declares (batch
 * size, timeout, retries, dead-letter queue), `DISCORD_GATEWAY_URL` on a fake gateway
 * instance and `DISCORD_API_BASE` on its own fake Discord session. Miniflare runs real local
 * queues: the runtime invokes the Worker's `queue()` handler. The relay is started as in
 * production, by the minute cron (`gateway-keep-alive` → `startGateway` → the relay's RPC).
 *
 * Counting: every bench event has a deterministic source id (message id, or
 * `guild:user:joined_at` for joins), so the lake rows of a run are compared with what was
 * sent: missing ids are **lost**, extra rows for a sent event are **duplicated**. Member
 * joins also post a welcome message (the `welcome` channel is mapped), so effects are counted
 * on the fake Discord too: more than one welcome for a user is a duplicated effect.
 */
import { join } from 'node:path';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { FakeDiscord } from '../../src/testing/fake-discord/client';
import { FakeGateway } from '../../src/testing/fake-gateway/client';
import { startFakeGateway, type RunningFakeGateway } from '../../src/testing/fake-gateway/server';
import { writeFileSync } from 'node:fs';
import { connectInspector, summarizeProfile, type CpuProfile } from './profiler';
import { markdownTable } from './report';
import { clockTicksPerSecond, cpuSeconds, workerdPids } from './proc';
import { freePort } from '../../src/testing/free-port';
import { applyMigrations, readWranglerConfig, type BenchD1 } from './workers';

const TICKS = clockTicksPerSecond();
const BOT_TOKEN = 'bench-gateway-token';
/** The bearer token of the bot's `/health/detail` (where the relay's status is). */
const HEALTH_TOKEN = 'bench-health-token-0123456789';
const DISCORD_EPOCH = 1420070400000n;
/** Events per control request to the fake gateway (it writes them to the socket at once). */
const DISPATCH_CHUNK = 500;

/** The bot with its queue consumer, served for the pipeline benchmark. */
export interface PipelineBot {
  mf: Miniflare;
  db: BenchD1;
  origin: string;
  pids: number[];
  cpuSeconds(): number;
  dispose(): Promise<void>;
}

/** Serves the deploy bundle with the bindings and the EVENTS consumer `wrangler.toml` declares. */
export async function servePipelineBot(options: { root: string; bundleDir: string; apiBase: string; gatewayUrl: string; publicKeyHex?: string }): Promise<PipelineBot> {
  const config = readWranglerConfig(options.root);
  const d1 = config.d1_databases[0];
  if (!d1) throw new Error('wrangler.toml declares no D1 database');
  if (!config.compatibility_date) throw new Error('wrangler.toml has no compatibility_date');
  const before = new Set(workerdPids());
  // `BENCH_PROFILE=<file>`: sample the bot isolate's CPU for the whole life of this bot and
  // write the profile there (open it in Chrome DevTools), with a summary on stderr. Build the
  // bundle unminified for readable names (`--bundle` an unminified build).
  const profileTo = process.env.BENCH_PROFILE;
  const inspectorPort = profileTo ? await freePort() : undefined;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...(inspectorPort ? { inspectorPort } : {}),
      workers: [
        {
          name: 'bot',
          modulesRoot: options.bundleDir,
          modules: [{ type: 'ESModule', path: join(options.bundleDir, 'index.js') }],
          compatibilityDate: config.compatibility_date,
          compatibilityFlags: config.compatibility_flags ?? [],
          bindings: {
            ...(config.vars as Record<string, string>),
            DISCORD_APPLICATION_ID: '1100000000000000001',
            DISCORD_PUBLIC_KEY: options.publicKeyHex ?? '00'.repeat(32),
            DISCORD_API_BASE: options.apiBase,
            DISCORD_GATEWAY_URL: options.gatewayUrl,
            DISCORD_BOT_TOKEN: BOT_TOKEN,
            DISCORD_CLIENT_SECRET: 'bench-client-secret',
            HEALTH_TOKEN,
          },
          d1Databases: Object.fromEntries(config.d1_databases.map((d) => [d.binding, d.database_id ?? d.binding])),
          queueProducers: Object.fromEntries((config.queues.producers ?? []).map((q) => [q.binding, { queueName: q.queue ?? q.binding }])),
          queueConsumers: Object.fromEntries(
            (config.queues.consumers ?? []).map((c) => [
              c.queue,
              {
                ...(c.max_batch_size !== undefined ? { maxBatchSize: c.max_batch_size } : {}),
                ...(c.max_batch_timeout !== undefined ? { maxBatchTimeout: c.max_batch_timeout } : {}),
                ...(c.max_retries !== undefined ? { maxRetries: c.max_retries } : {}),
                ...(c.dead_letter_queue ? { deadLetterQueue: c.dead_letter_queue } : {}),
              },
            ]),
          ),
          durableObjects: Object.fromEntries(config.durable_objects.bindings.map((b) => [b.name, { className: b.class_name, useSQLite: true }])),
          unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
        },
      ],
    }),
  );
  await mf.ready;
  const url = await mf.unsafeGetDirectURL('bot');
  const pids = workerdPids().filter((pid) => !before.has(pid));
  const db = await mf.getD1Database(d1.binding, 'bot');
  await applyMigrations(db, join(options.root, d1.migrations_dir ?? 'migrations'));
  let stopProfile = async () => {};
  if (profileTo && inspectorPort) {
    // Every isolate in the process: the bot, and Miniflare's own D1, queue broker and entry
    // workers, which run on the same thread. Busy time per isolate is its non-idle samples.
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { id: string }[];
    const sessions = await Promise.all(targets.map(async (t) => ({ id: t.id, session: await connectInspector(inspectorPort, t.id) })));
    for (const { session } of sessions) {
      await session.send('Profiler.enable');
      await session.send('Profiler.setSamplingInterval', { interval: 500 });
      await session.send('Profiler.start');
    }
    stopProfile = async () => {
      const report: string[] = [];
      const busy: { isolate: string; 'busy ms': string }[] = [];
      for (const { id, session } of sessions) {
        const { profile } = await session.send<{ profile: CpuProfile }>('Profiler.stop');
        session.close();
        const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
        let busyUs = 0;
        profile.samples.forEach((s, i) => {
          if (!idle.has(s)) busyUs += profile.timeDeltas[i + 1] ?? 0;
        });
        busy.push({ isolate: id, 'busy ms': (busyUs / 1000).toFixed(0) });
        if (id.includes('bot')) writeFileSync(profileTo, JSON.stringify(profile));
        else writeFileSync(`${profileTo}.${id.replace(/[^a-z0-9]+/gi, '_')}.cpuprofile`, JSON.stringify(profile));
        const summary = summarizeProfile(profile, 25);
        const rows = (lines: typeof summary.self) => lines.map((l) => ({ function: l.fn, 'self %': l.selfPct.toFixed(1), 'incl %': l.totalPct.toFixed(1) }));
        report.push(`Isolate ${id}: ${summary.samples} samples, by self time\n\n${markdownTable(rows(summary.self))}\n`);
      }
      console.error(`[bench] profile → ${profileTo}\n\n${markdownTable(busy)}\n\n${report.join('\n')}`);
    };
  }
  return {
    mf,
    db,
    origin: url.origin,
    pids,
    cpuSeconds: () => cpuSeconds(pids, TICKS),
    dispose: async () => {
      await stopProfile().catch((error: unknown) => console.error(`[bench] profile failed: ${String(error)}`));
      await mf.dispose();
    },
  };
}

/** One bench event: what is dispatched and the source id the lake must end up with. */
export interface BenchEvent {
  t: 'MESSAGE_CREATE' | 'GUILD_MEMBER_ADD';
  d: Record<string, unknown>;
  sourceId: string;
  /** Joins: the user who should get exactly one welcome. */
  joinUser?: string;
}

/** Snowflake for `n` within a run whose ids start at `base` (distinct across runs). */
function snowflake(base: bigint, n: number): string {
  return String(base + BigInt(n));
}

/** Members who write a run's messages (and DMs). */
export const AUTHORS = 97;

/** The user id of author `k` (0 ≤ k < {@link AUTHORS}) of the run whose ids start at `base`. */
export function authorId(base: bigint, k: number): string {
  return snowflake(base, 1_000_000 + k);
}

/**
 * `count` events of one run: ~85 % guild messages, ~10 % DMs, 5 % member joins (which post
 * a welcome). Messages carry ~100 characters of content, a mention every 7th and an
 * attachment every 11th (the lake keeps only counts).
 */
export function makeEvents(
  run: { guildId: string; channelId: string; dmChannels: readonly string[]; idBase: bigint },
  count: number,
  joinEvery = 20,
  content: (i: number) => string = (i) => `bench message ${i}: the quick brown fox jumps over the lazy dog while the gateway keeps up`,
): BenchEvent[] {
  const events: BenchEvent[] = [];
  const joinedAt = new Date().toISOString();
  for (let i = 0; i < count; i++) {
    const id = snowflake(run.idBase, i);
    const author = { id: authorId(run.idBase, i % AUTHORS), username: `member${i % AUTHORS}`, discriminator: '0', global_name: null, avatar: null };
    if (joinEvery > 0 && i % joinEvery === joinEvery - 1) {
      const user = { id: snowflake(run.idBase, 2_000_000 + i), username: `joiner${i}`, discriminator: '0', global_name: null, avatar: null };
      const d = { guild_id: run.guildId, user, roles: [], joined_at: joinedAt, deaf: false, mute: false, flags: 0, pending: false };
      events.push({ t: 'GUILD_MEMBER_ADD', d, sourceId: `${run.guildId}:${user.id}:${joinedAt}`, joinUser: user.id });
      continue;
    }
    const dm = i % 10 === 3;
    const d: Record<string, unknown> = {
      id,
      type: 0,
      // A DM is in its author's DM channel with the bot (which exists on the fake Discord).
      channel_id: dm ? (run.dmChannels[i % AUTHORS] ?? '0') : run.channelId,
      ...(dm ? {} : { guild_id: run.guildId, member: { roles: [], joined_at: joinedAt, deaf: false, mute: false, flags: 0 } }),
      author,
      content: content(i),
      timestamp: joinedAt,
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: i % 7 === 0 ? [author] : [],
      mention_roles: [],
      attachments: i % 11 === 0 ? [{ id: snowflake(run.idBase, 3_000_000 + i), filename: 'a.png', size: 1000, url: 'https://cdn.invalid/a.png', proxy_url: 'https://cdn.invalid/a.png' }] : [],
      embeds: [],
      pinned: false,
      nonce: String(i),
    };
    events.push({ t: 'MESSAGE_CREATE', d, sourceId: id });
  }
  return events;
}

/** The relay's view, from `/health/detail` (`gateway.shards[0]`). */
interface ShardHealth {
  connected: boolean;
  state: string;
  eventsForwarded: number;
  queueMessages?: number;
  pendingEvents: number;
  quarantined?: number;
  lastAckLatencyMs: number | null;
  lastClose: { code: number; meaning: string; at: number } | null;
}

/** Everything one pipeline run measured. */
export interface PipelineRun {
  /** The run's guild (its rows in D1 are the run's). */
  guildId: string;
  name: string;
  sent: number;
  /** Events the relay sent to the queue during the run (resends after a resume count again). */
  forwarded: number;
  stored: number;
  lost: number;
  /** Extra lake rows for a sent event (the unique index makes this 0 by construction) + extra welcome messages for a joined user. */
  duplicated: number;
  joins: number;
  welcomes: number;
  /** After the run: events still in the relay's outbox plus events it quarantined. */
  stuck: number;
  /** Queue messages the relay sent during the run. */
  queueMessages: number;
  /** Sent → every event of the run stored in the lake (any status), ms. */
  storedMs: number | null;
  /** Sent → last event stored and done (every handler finished, effects included), ms. */
  elapsedMs: number;
  /** Sent → every event sent to the queue by the relay (polled every ~100 ms), ms. */
  queuedMs: number | null;
  /** Sent → the first event of the run stored and done, ms. */
  firstDoneMs: number | null;
  /** Events into D1 per second: sent → all stored. */
  storedPerSecond: number;
  /** Events handled per second: sent → all done. */
  eventsPerSecond: number;
  cpuSeconds: number;
  connections: number;
  resumes: number;
  identifies: number;
  /** Longest gap between two heartbeats the fake gateway received during the run, ms. */
  maxHeartbeatGapMs: number | null;
  timedOut: boolean;
}

/** A fake gateway + fake Discord + pipeline bot, with the relay connected. */
export interface PipelineRig {
  gateway: RunningFakeGateway;
  gw: FakeGateway;
  fake: FakeDiscord;
  bot: PipelineBot;
  guildId: string;
  channelId: string;
  welcomeChannelId: string;
  heartbeatIntervalMs: number;
  runs: number;
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function health(bot: PipelineBot): Promise<ShardHealth | undefined> {
  const res = await fetch(`${bot.origin}/health/detail`, { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } });
  const body = (await res.json()) as { gateway?: { shards?: ShardHealth[] } };
  return body.gateway?.shards?.[0];
}

async function waitUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gateway bench: timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Starts the fake gateway (heartbeat interval `heartbeatIntervalMs`, Discord's missed-heartbeat
 * close on), a fake Discord session whose `GET /gateway/bot` names it, and the pipeline bot;
 * maps a welcome channel; runs the minute cron, which starts the relay; waits for READY.
 */
export async function startPipelineRig(options: { root: string; bundleDir: string; fakeDiscordUrl: string; heartbeatIntervalMs: number }): Promise<PipelineRig> {
  const gateway = await startFakeGateway({ port: 0 });
  const cleanup: (() => Promise<unknown>)[] = [() => gateway.close()];
  try {
    const gw = await FakeGateway.create(gateway.url, { token: BOT_TOKEN, heartbeatIntervalMs: options.heartbeatIntervalMs, missedHeartbeatFactor: 1.5 });
    const fake = await FakeDiscord.create(options.fakeDiscordUrl);
    await fake.setGatewayUrl(gw.url, 1);
    const guild = await fake.seedGuild({ channels: [{ name: 'general' }, { name: 'welcome' }] });
    const bot = await servePipelineBot({ root: options.root, bundleDir: options.bundleDir, apiBase: fake.apiBase, gatewayUrl: gw.url });
    cleanup.unshift(() => bot.dispose());
    await bot.db.prepare('INSERT INTO guild_channels (guild_id, purpose, channel_id) VALUES (?, ?, ?)').bind(guild.guildId, 'welcome', guild.channels.welcome!).run();
    // Production start path: the minute cron's keep-alive finds no shard and starts the relay.
    const worker = await bot.mf.getWorker('bot');
    await worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
    await waitUntil('READY', 15_000, async () => (await health(bot))?.connected);
    return {
      gateway,
      gw,
      fake,
      bot,
      guildId: guild.guildId,
      channelId: guild.channels.general!,
      welcomeChannelId: guild.channels.welcome!,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      runs: 0,
      dispose: async () => {
        for (const c of cleanup) await c().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const c of cleanup) await c().catch(() => undefined);
    throw error;
  }
}

async function dispatchAll(gw: FakeGateway, events: BenchEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += DISPATCH_CHUNK) await gw.dispatchMany(events.slice(i, i + DISPATCH_CHUNK).map(({ t, d }) => ({ t, d })));
}

/** The run's rows of the lake: its guild's, and the DMs in its authors' DM channels. */
const RUN_ROWS = "(guild_id = ?1 OR (guild_id IS NULL AND channel_id IN (SELECT value FROM json_each(?2))))";

/** Lake rows of a run: its guild's rows and its DM channels' rows. */
async function lakeRows(bot: PipelineBot, guildId: string, dmChannels: readonly string[]): Promise<{ sourceId: string; status: string }[]> {
  const { results } = await bot.db
    .prepare(`SELECT source_id AS sourceId, status FROM gateway_events WHERE ${RUN_ROWS}`)
    .bind(guildId, JSON.stringify(dmChannels))
    .all<{ sourceId: string; status: string }>();
  return results;
}

/**
 * The run's authors as users of the fake Discord, each with a DM channel with the bot (opened
 * over the API as the bot would): a DM event then names a channel that exists, as on Discord,
 * so modmail's inbox reads and posts where the member wrote. Returns the channel ids by author.
 */
async function openAuthorDms(fake: FakeDiscord, idBase: bigint): Promise<string[]> {
  const out: string[] = [];
  for (let k = 0; k < AUTHORS; k++) {
    const id = authorId(idBase, k);
    await fake.addUser({ id, username: `member${k}`, globalName: null, avatar: null });
    const res = await fetch(`${fake.apiBase}/users/@me/channels`, {
      method: 'POST',
      headers: { authorization: `Bot ${BOT_TOKEN}`, 'content-type': 'application/json', 'user-agent': 'DiscordBot (https://github.com/gatehouse/gatehouse, bench)' },
      body: JSON.stringify({ recipient_id: id }),
    });
    if (!res.ok) throw new Error(`gateway bench: opening a DM channel answered ${res.status}: ${await res.text()}`);
    out.push(((await res.json()) as { id: string }).id);
  }
  return out;
}

/**
 * Sends `count` events through the pipeline and waits until every one is stored and done
 * (or nothing moved for `stallMs`). `disconnects`: cut the socket without a close frame
 * after the first third (1006: resume) and close with 4000 after the second (resume), each
 * while the relay is still working through a burst.
 */
export async function runPipeline(
  rig: PipelineRig,
  options: {
    name: string;
    count: number;
    disconnects: boolean;
    joinEvery?: number;
    /** Message content of event `i` (default: ~100 ASCII characters). */
    content?: (i: number) => string;
    stallMs?: number;
    /** Seeds the run's guild in the bot's D1 before the burst (e.g. a rules preset). */
    seed?: (db: BenchD1, guildId: string) => Promise<void>;
    log?: (msg: string) => void;
    progress?: (doneSoFar: number, ms: number) => void;
  },
): Promise<PipelineRun> {
  const { bot, gw } = rig;
  const stallMs = options.stallMs ?? 20_000;
  const log = options.log ?? (() => undefined);
  const n = ++rig.runs;
  // A guild and authors (with their DM channels) per run, so its rows are counted apart from
  // other runs'. (The lake only needs ids; welcomes of every run go to the seeded guild's
  // welcome channel.)
  const idBase = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
  const run = {
    guildId: String(1_800_000_000_000_000_000n + BigInt(n)),
    channelId: rig.channelId,
    dmChannels: await openAuthorDms(rig.fake, idBase),
    idBase,
  };
  await bot.db.prepare('INSERT INTO guild_channels (guild_id, purpose, channel_id) VALUES (?, ?, ?)').bind(run.guildId, 'welcome', rig.welcomeChannelId).run();
  await options.seed?.(bot.db, run.guildId);
  const events = makeEvents(run, options.count, options.joinEvery, options.content);
  const joins = events.filter((e) => e.joinUser);
  const wanted = new Set(events.map((e) => e.sourceId));
  const beforeHealth = await health(bot);
  const beforeLog = await gw.log();
  const beforeRows = new Set((await lakeRows(bot, run.guildId, run.dmChannels)).map((r) => r.sourceId));
  const cpu0 = bot.cpuSeconds();
  const startedAt = Date.now();
  const started = performance.now();

  if (!options.disconnects) {
    await dispatchAll(gw, events);
  } else {
    const third = Math.ceil(events.length / 3);
    await dispatchAll(gw, events.slice(0, third));
    const droppedAt = Date.now();
    await gw.drop();
    log(`${options.name}: dropped the connection (no close frame) after ${third} events`);
    await dispatchAll(gw, events.slice(third, 2 * third));
    // Connected again after the relay saw the drop (it may still be working through the burst).
    await waitUntil('resume after the drop', 30_000, async () => {
      const h = await health(bot);
      return h?.connected && h.lastClose?.code === 1006 && h.lastClose.at >= droppedAt;
    });
    await gw.close(4000, 'bench: forced disconnect');
    log(`${options.name}: closed with 4000 after ${2 * third} events`);
    await dispatchAll(gw, events.slice(2 * third));
  }

  // Wait for every event to be stored and done: count the run's done rows. Every few polls,
  // also read the relay's forwarded counter, to tell the relay's share from the consumer's.
  let done = 0;
  let storedMs: number | null = null;
  let queuedMs: number | null = null;
  let firstDoneMs: number | null = null;
  let polls = 0;
  let lastProgress = performance.now();
  let finished = started;
  let timedOut = false;
  const countRows = async () =>
    (await bot.db
      .prepare(`SELECT count(*) AS stored, coalesce(sum(status = 'done'), 0) AS done FROM gateway_events WHERE ${RUN_ROWS}`)
      .bind(run.guildId, JSON.stringify(run.dmChannels))
      .first<{ stored: number; done: number }>()) ?? { stored: 0, done: 0 };
  for (;;) {
    const now = performance.now();
    const counts = await countRows();
    if (storedMs === null && counts.stored - beforeRows.size >= wanted.size) storedMs = performance.now() - started;
    const current = counts.done - beforeRows.size;
    if (current > done) {
      options.progress?.(current, now - started);
      firstDoneMs ??= now - started;
      done = current;
      lastProgress = now;
      finished = performance.now();
    }
    if (queuedMs === null && polls++ % 4 === 0) {
      const forwarded = ((await health(bot))?.eventsForwarded ?? 0) - (beforeHealth?.eventsForwarded ?? 0);
      if (forwarded >= wanted.size) queuedMs = performance.now() - started;
    }
    if (done >= wanted.size) break;
    if (now - lastProgress > stallMs) {
      timedOut = true;
      break;
    }
    await sleep(25);
  }
  const elapsedMs = finished - started;
  const cpu = bot.cpuSeconds() - cpu0;
  // Let in-flight queue messages (resends after a resume) settle before counting duplicates.
  await sleep(1500);

  const rows = (await lakeRows(bot, run.guildId, run.dmChannels)).filter((r) => !beforeRows.has(r.sourceId));
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(r.sourceId, (seen.get(r.sourceId) ?? 0) + 1);
  let lost = 0;
  for (const id of wanted) if (!seen.has(id)) lost++;
  let duplicated = 0;
  for (const [id, k] of seen) if (wanted.has(id) && k > 1) duplicated += k - 1;
  const stored = [...seen.keys()].filter((id) => wanted.has(id)).length;

  // Effects: one welcome per joined user.
  const calls = await rig.fake.calls({ method: 'POST', path: `/channels/${rig.welcomeChannelId}/messages` });
  const perUser = new Map<string, number>();
  const joinUsers = new Set(joins.map((j) => j.joinUser!));
  for (const call of calls) {
    const users = ((call.body as { allowed_mentions?: { users?: string[] } } | null)?.allowed_mentions?.users ?? []).filter((u) => joinUsers.has(u));
    for (const u of users) perUser.set(u, (perUser.get(u) ?? 0) + 1);
  }
  let welcomeDuplicates = 0;
  for (const k of perUser.values()) if (k > 1) welcomeDuplicates += k - 1;

  const afterHealth = await health(bot);
  const afterLog = await gw.log();
  const newConnections = afterLog.connections.slice(beforeLog.connections.length);
  const received = afterLog.received.filter((p) => p.at >= startedAt);
  // Heartbeat gaps within one connection (a reconnect restarts the schedule with new jitter).
  const beats = received.filter((p) => p.op === 1);
  let maxGap: number | null = null;
  for (let i = 1; i < beats.length; i++) if (beats[i]!.conn === beats[i - 1]!.conn) maxGap = Math.max(maxGap ?? 0, beats[i]!.at - beats[i - 1]!.at);

  return {
    guildId: run.guildId,
    name: options.name,
    sent: events.length,
    forwarded: (afterHealth?.eventsForwarded ?? 0) - (beforeHealth?.eventsForwarded ?? 0),
    stored,
    lost,
    duplicated: duplicated + welcomeDuplicates,
    joins: joins.length,
    welcomes: perUser.size,
    stuck: (afterHealth?.pendingEvents ?? 0) + ((afterHealth?.quarantined ?? 0) - (beforeHealth?.quarantined ?? 0)),
    queueMessages: (afterHealth?.queueMessages ?? 0) - (beforeHealth?.queueMessages ?? 0),
    storedMs,
    elapsedMs,
    queuedMs,
    firstDoneMs,
    storedPerSecond: storedMs ? (stored / storedMs) * 1000 : 0,
    eventsPerSecond: elapsedMs > 0 ? (stored / elapsedMs) * 1000 : 0,
    cpuSeconds: cpu,
    connections: newConnections.length,
    resumes: received.filter((p) => p.op === 6).length,
    identifies: received.filter((p) => p.op === 2).length,
    maxHeartbeatGapMs: maxGap,
    timedOut,
  };
}
