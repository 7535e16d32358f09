/**
 * Issue 16 (analytics, dashboard half): the analytics API over a year of rollups for one guild
 * (365 compacted days, 20 channels a day, and the last 14 days also as hours). Requests go to
 * the served bot's `/api` with a real session row, through the session, guild and access
 * middleware, one at a time after a warm-up; p50/p95 are wall times from Node (target: the
 * activity endpoint's p95 < 100 ms over the year).
 */
import { drizzle } from 'drizzle-orm/d1';
import { createSession, SESSION_COOKIE } from '../../src/core/api/session';
import type { Db } from '../../src/db/client';
import { FakeDiscord } from '../../src/testing/fake-discord/client';
import { f, med, pct } from '../lib/gate-bench-kit';
import type { BenchD1 } from '../lib/workers';
import { defineScenario, type CustomResult } from '../scenario';
import { timedGets, webOrigin } from '../lib/web';

const DAY = 86_400_000;
const CHANNELS = 20;
const TARGET_P95_MS = 100;

async function seed(d1: BenchD1, guild: string, now: number): Promise<Record<string, number>> {
  const today = Math.floor(now / DAY);
  const n = (count: number) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${count})`;
  const hourly = `json_object(${Array.from({ length: 24 }, (_, h) => `'${h}', ${h + 1}`).join(', ')})`;
  await d1.batch([
    d1.prepare(`${n(365)} INSERT OR REPLACE INTO analytics_guild_days (guild_id, day, messages, members, reactions, voice_minutes, joins, leaves, commands, hourly)
      SELECT '${guild}', ${today} - 365 + i, 300 + i % 97, 40 + i % 13, i % 50, i % 120, i % 7, i % 5, i % 30, ${hourly} FROM n`),
    d1.prepare(`${n(365 * CHANNELS)} INSERT OR REPLACE INTO analytics_channel_days (guild_id, day, channel_id, messages, members, reactions, voice_minutes)
      SELECT '${guild}', ${today} - 365 + i / ${CHANNELS}, CAST(1500000000000000000 + i % ${CHANNELS} AS TEXT), 10 + i % 31, 3, 1, 0 FROM n`),
    d1.prepare(`${n(14 * 24)} INSERT OR REPLACE INTO analytics_guild_hours (guild_id, hour, messages, members, reactions, voice_minutes, joins, leaves, commands)
      SELECT '${guild}', ${(today - 13) * 24} + i, 12 + i % 9, 4, 1, 0, 0, 0, 1 FROM n`),
    d1.prepare(`INSERT INTO analytics_watermarks (name, value) VALUES ('days', ${today - 13}) ON CONFLICT(name) DO UPDATE SET value = excluded.value`),
  ]);
  const counts: Record<string, number> = {};
  for (const table of ['analytics_guild_days', 'analytics_channel_days', 'analytics_guild_hours']) {
    counts[table] = (await d1.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE guild_id = ?`).bind(guild).first<{ n: number }>())!.n;
  }
  return counts;
}

const timed = (url: string, cookie: string, times: number) => timedGets(url, { cookie }, times);

export default defineScenario({
  name: 'analytics dashboard',
  description: 'analytics API (activity, heatmap, channels) over a year of rollups',
  async run(ctx): Promise<CustomResult> {
    const d1 = ctx.bot.db;
    const db = drizzle(d1 as never) as unknown as Db;
    const fake = await FakeDiscord.attach(ctx.fakeDiscordUrl, 'default');
    const g = await fake.seedGuild({ name: 'Bench Analytics', roles: [{ name: 'Member' }], channels: [{ name: 'general' }] });
    const now = Date.now();
    const seeding = Date.now();
    const counts = await seed(d1, g.guildId, now);
    const seededMs = Date.now() - seeding;
    const { id } = await createSession(db, { user: { id: g.ownerId, username: 'owner', avatar: null }, guilds: null, tokenEnc: null });
    const cookie = `${SESSION_COOKIE}=${id}`;
    const base = `${webOrigin(ctx)}/api/guilds/${g.guildId}/analytics`;
    const times = ctx.options.rounds < 2 ? 40 : 200;
    await timed(`${base}/activity?days=365`, cookie, 5);
    const row = (name: string, ms: number[], target = true) => ({
      request: name,
      n: ms.length,
      'p50 ms': f(med(ms), 1),
      'p95 ms': f(pct(ms, 95), 1) + (target ? (pct(ms, 95) < TARGET_P95_MS ? ' ✅' : ' ❌') : ''),
      target: target ? `p95 < ${TARGET_P95_MS} ms` : '',
    });
    return {
      kind: 'custom',
      name: 'analytics dashboard: API over a year of rollups',
      rows: [
        row('GET /analytics/activity?days=365', await timed(`${base}/activity?days=365`, cookie, times)),
        row('GET /analytics/activity?days=30', await timed(`${base}/activity?days=30`, cookie, times)),
        row('GET /analytics/activity?days=7&granularity=hour', await timed(`${base}/activity?days=7&granularity=hour`, cookie, times), false),
        row('GET /analytics/heatmap?days=90&tz=Europe/Paris', await timed(`${base}/heatmap?days=90&tz=Europe/Paris`, cookie, times), false),
        row('GET /analytics/channels?days=365', await timed(`${base}/channels?days=365`, cookie, times), false),
      ],
      notes: [
        `Seeded in ${seededMs} ms: ${Object.entries(counts).map(([t, c]) => `${t} ${c.toLocaleString('en-US')}`).join(', ')} (one guild).`,
        'Wall time from Node over loopback, one request at a time, through the session, guild and access middleware (guild facts cached after the first request).',
      ],
    };
  },
});
