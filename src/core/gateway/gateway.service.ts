/**
 * Starting the relay and reading its status, for the keep-alive cron, `/gateway` and
 * `/health`. The shard plan comes from `GET /gateway/bot` (URL overridable with
 * `DISCORD_GATEWAY_URL`) and is recorded in `gateway_shards`, so status reads know which
 * shards exist without asking Discord.
 */
import { asc, ne } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { createDiscord, type Discord } from '../../discord';
import { DEFAULT_INTENTS, shardName, type RelayStatus, type ShardPlan } from '../../discord/gateway/shards';
import { gatewayShards } from './schema';

/** Identify buckets are this far apart (Discord: one identify per 5 s per bucket). */
const IDENTIFY_SPACING_MS = 5000;

/** The relay as a whole. */
export interface GatewayStatus {
  ok: boolean;
  /** Whether the relay was ever started (a shard plan exists). */
  started: boolean;
  shards: RelayStatus[];
}

/** The configured intents (`GATEWAY_INTENTS`, default 38535). */
export function configuredIntents(env: Pick<Env, 'GATEWAY_INTENTS'>): number {
  const n = Number(env.GATEWAY_INTENTS);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_INTENTS;
}

function stub(env: Env, name: string) {
  return env.GATEWAY.get(env.GATEWAY.idFromName(name));
}

/**
 * Starts every shard that is not running (idempotent). Shards of an older shard count are
 * stopped. `force` also restarts shards stopped by a fatal close (after the admin fixed it).
 */
export async function startGateway(env: Env, { force = false, discord = createDiscord(env) }: { force?: boolean; discord?: Discord } = {}): Promise<GatewayStatus> {
  const info = await discord.gateway.bot();
  const count = Math.max(1, info.shards);
  const url = env.DISCORD_GATEWAY_URL || info.url;
  const concurrency = Math.max(1, info.session_start_limit?.max_concurrency ?? 1);
  const intents = configuredIntents(env);
  const db = getDb(env);
  const now = Date.now();

  const stale = await db.select({ name: gatewayShards.name }).from(gatewayShards).where(ne(gatewayShards.shardCount, count));
  await Promise.all(stale.map(({ name }) => stub(env, name).stop(`resharded to ${count} shards`)));
  const names = Array.from({ length: count }, (_, i) => shardName(i, count));
  await db.batch([
    db.delete(gatewayShards).where(ne(gatewayShards.shardCount, count)),
    ...names.map((name, i) =>
      db
        .insert(gatewayShards)
        .values({ name, shardId: i, shardCount: count, updatedAt: now })
        .onConflictDoUpdate({ target: gatewayShards.name, set: { updatedAt: now } }),
    ),
  ]);

  const shards = await Promise.all(
    names.map((name, i) => {
      const plan: ShardPlan = { shard: [i, count], url, intents, identifyDelayMs: Math.floor(i / concurrency) * IDENTIFY_SPACING_MS };
      return stub(env, name).ensure(plan, { force });
    }),
  );
  return { ok: shards.every((s) => s.ok), started: true, shards };
}

/** Every recorded shard's status. */
export async function gatewayStatus(env: Env): Promise<GatewayStatus> {
  const rows = await getDb(env).select().from(gatewayShards).orderBy(asc(gatewayShards.shardId));
  const shards = await Promise.all(rows.map((row) => stub(env, row.name).status()));
  return { ok: shards.every((s) => s.ok), started: rows.length > 0, shards };
}

/** Wakes every recorded shard (reconnecting any that lost its socket); starts the relay when it never was. */
export async function keepGatewayAlive(env: Env): Promise<GatewayStatus> {
  const rows = await getDb(env).select().from(gatewayShards).orderBy(asc(gatewayShards.shardId));
  if (rows.length === 0) return startGateway(env);
  const shards = await Promise.all(rows.map((row) => stub(env, row.name).wake()));
  // A shard that lost its plan (storage reset) is planned again from Discord's answer.
  if (shards.some((s) => s.shard === null)) return startGateway(env);
  return { ok: shards.every((s) => s.ok), started: true, shards };
}
