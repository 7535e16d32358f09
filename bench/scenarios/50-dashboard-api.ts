/**
 * Issue 12 (dashboard): the overview and application-queue API over a guild seeded with
 * 100,000 members' worth of history (a year of joins and leaves, other gateway events, one
 * application per member, cases, command-log rows). Requests go to the served bot's `/api`
 * with a real session row, through the session, guild and access middleware, one at a time
 * after a warm-up; p50/p95 are wall times from Node (target p95 < 100 ms). The first
 * overview request, which fills the rollup of the range's settled days, is timed alone.
 *
 * Joins and leaves come from analytics' rollups (`overview.service.ts` reads them through
 * `analytics/public.ts`): the seed compacts the year's lake joins and leaves into
 * `analytics_guild_days` (and sets the `days` watermark to today), as the hourly rollup would.
 *
 * D1 rows read per overview request: the statements the overview runs (`overview.service.ts`)
 * are replayed through the D1 binding from Node and their `meta.rows_read` summed, for a
 * warm request (analytics' rollups + the overview rollup + open days) and for the cold one
 * (every counted day counted).
 */
import { drizzle } from 'drizzle-orm/d1';
import { createSession, SESSION_COOKIE } from '../../src/core/api/session';
import { DAY_MS } from '../../src/core/daily';
import type { Db } from '../../src/db/client';
import { SETTLE_MS, countQueries, dayOf, flowQuery, rollupQuery } from '../../src/features/platform/overview.service';
import { FakeDiscord } from '../../src/testing/fake-discord/client';
import { f, med, pct } from '../lib/gate-bench-kit';
import type { BenchD1 } from '../lib/workers';
import { defineScenario, type CustomResult } from '../scenario';
import { timedGets, webOrigin } from '../lib/web';

const MEMBERS = 100_000;
const TARGET_P95_MS = 100;

/** One year of history for `guild`, all in set-based statements. */
async function seed(d1: BenchD1, guild: string, now: number): Promise<Record<string, number>> {
  const year = 365 * DAY_MS;
  const n = (count: number) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${count})`;
  // Weyl draws in [0, 1) per row, so times spread over the year.
  const u = (k: number) => `(((i * ${[7_919, 104_729, 611_953][k]} + ${k * 7_777}) % 1000003) / 1000003.0)`;
  const at = (k: number) => `(${now} - CAST(${u(k)} * ${year} AS INTEGER))`;
  await d1.batch([
    d1.prepare(`${n(MEMBERS)} INSERT INTO gateway_events (source_id, type, guild_id, user_id, occurred_at, received_at, payload, status)
      SELECT 'join' || i, 'GUILD_MEMBER_ADD', '${guild}', CAST(1300000000000000000 + i AS TEXT), ${at(0)}, ${at(0)}, '{}', 'done' FROM n`),
    d1.prepare(`${n(MEMBERS / 5)} INSERT INTO gateway_events (source_id, type, guild_id, user_id, occurred_at, received_at, payload, status)
      SELECT 'leave' || i, 'GUILD_MEMBER_REMOVE', '${guild}', CAST(1300000000000000000 + i AS TEXT), ${at(1)}, ${at(1)}, '{}', 'done' FROM n`),
    d1.prepare(`${n(MEMBERS * 2)} INSERT INTO gateway_events (source_id, type, guild_id, user_id, occurred_at, received_at, payload, status)
      SELECT 'msg' || i, 'MESSAGE_CREATE', '${guild}', CAST(1300000000000000000 + i % ${MEMBERS} AS TEXT), ${at(2)}, ${at(2)}, '{"length":12}', 'done' FROM n`),
    // One application per member; those submitted in the last two days are still open.
    d1.prepare(`${n(MEMBERS)} INSERT INTO gate_applications (guild_id, user_id, user_tag, status, answers, account_created_at, young_account, submitted_at, claimed_by, claimed_rank, claimed_at, decided_by, decided_at)
      SELECT '${guild}', CAST(1300000000000000000 + i AS TEXT), 'member' || i,
        CASE WHEN s > ${now - 2 * DAY_MS} THEN (CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'claimed' END) ELSE (CASE WHEN i % 10 < 8 THEN 'accepted' ELSE 'rejected' END) END,
        '[{"question":"Why?","answer":"To play."}]', s - 400 * ${DAY_MS}, 0, s,
        CASE WHEN s > ${now - 2 * DAY_MS} AND i % 2 = 1 THEN '1400000000000000001' WHEN s <= ${now - 2 * DAY_MS} THEN '1400000000000000001' END,
        CASE WHEN i % 2 = 1 OR s <= ${now - 2 * DAY_MS} THEN 3 END,
        CASE WHEN i % 2 = 1 OR s <= ${now - 2 * DAY_MS} THEN s + 600000 END,
        CASE WHEN s <= ${now - 2 * DAY_MS} THEN '1400000000000000001' END,
        CASE WHEN s <= ${now - 2 * DAY_MS} THEN s + 3600000 END
      FROM (SELECT i, ${at(0)} AS s FROM n)`),
    d1.prepare(`${n(MEMBERS / 10)} INSERT INTO mod_cases (id, guild_id, case_number, type, actor_id, target_id, reason, created_at, updated_at)
      SELECT 'case' || i, '${guild}', i + 1, 'warn', '1400000000000000001', CAST(1300000000000000000 + i * 7 % ${MEMBERS} AS TEXT), 'Spam', ${at(1)}, ${at(1)} FROM n`),
    d1.prepare(`${n(MEMBERS * 3)} INSERT INTO command_log (interaction_id, guild_id, user_id, command, outcome, latency_ms, created_at)
      SELECT 'ix' || i, '${guild}', CAST(1300000000000000000 + i % ${MEMBERS} AS TEXT), '/ping', 'ok', 3, ${at(2)} FROM n`),
  ]);
  // The year's joins and leaves compacted into analytics' daily rollup, as the hourly cron would have.
  const today = Math.floor(now / DAY_MS);
  await d1.batch([
    d1.prepare(`INSERT INTO analytics_guild_days (guild_id, day, messages, members, reactions, voice_minutes, joins, leaves, commands, hourly)
      SELECT guild_id, occurred_at / ${DAY_MS}, sum(type = 'MESSAGE_CREATE'), 0, 0, 0, sum(type = 'GUILD_MEMBER_ADD'), sum(type = 'GUILD_MEMBER_REMOVE'), 0, '{}'
        FROM gateway_events WHERE guild_id = '${guild}' AND occurred_at < ${today * DAY_MS} GROUP BY occurred_at / ${DAY_MS}
      ON CONFLICT (guild_id, day) DO NOTHING`),
    d1.prepare(`INSERT INTO analytics_watermarks (name, value) VALUES ('days', ${today}) ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`),
  ]);
  const counts: Record<string, number> = {};
  for (const table of ['gateway_events', 'analytics_guild_days', 'gate_applications', 'mod_cases', 'command_log']) {
    counts[table] = (await d1.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE guild_id = ?`).bind(guild).first<{ n: number }>())!.n;
  }
  return counts;
}

/** Sums `meta.rows_read` of drizzle queries replayed on the D1 binding. */
async function rowsRead(d1: BenchD1, queries: readonly unknown[]): Promise<number> {
  let total = 0;
  for (const q of queries as { toSQL(): { sql: string; params: unknown[] } }[]) {
    const { sql, params } = q.toSQL();
    const res = await d1.prepare(sql).bind(...params).all();
    total += Number(res.meta.rows_read ?? 0);
  }
  return total;
}

const timed = (url: string, cookie: string, times: number) => timedGets(url, { cookie }, times);

export default defineScenario({
  name: 'dashboard api',
  description: 'overview and application-queue API over 100,000 members of history',
  async run(ctx): Promise<CustomResult> {
    const d1 = ctx.bot.db;
    const db = drizzle(d1 as never) as unknown as Db;
    const fake = await FakeDiscord.attach(ctx.fakeDiscordUrl, 'default');
    const g = await fake.seedGuild({ name: 'Bench Dashboard', roles: [{ name: 'Member' }], channels: [{ name: 'review' }] });
    const now = Date.now();
    const seeding = Date.now();
    const counts = await seed(d1, g.guildId, now);
    const seededMs = Date.now() - seeding;
    const { id } = await createSession(db, { user: { id: g.ownerId, username: 'owner', avatar: null }, guilds: null, tokenEnc: null });
    const cookie = `${SESSION_COOKIE}=${id}`;
    const base = `${webOrigin(ctx)}/api/guilds/${g.guildId}`;
    const quick = ctx.options.rounds < 2;
    const times = quick ? 40 : 200;

    const [cold] = await timed(`${base}/overview`, cookie, 1);
    const overview = await timed(`${base}/overview`, cookie, times);
    const ninety = await timed(`${base}/overview?from=${new Date(now - 89 * DAY_MS).toISOString().slice(0, 10)}`, cookie, times);
    const queue = await timed(`${base}/applications?status=open&limit=25`, cookie, times);
    const decided = await timed(`${base}/applications?status=decided&limit=25`, cookie, times);

    const today = dayOf(now);
    const lastSettled = dayOf(now - SETTLE_MS) - 1;
    const flow = flowQuery(db, g.guildId, today - 29, today).statements;
    const warmRows = await rowsRead(d1, [...flow, rollupQuery(db, g.guildId, today - 29, lastSettled), ...countQueries(db, g.guildId, lastSettled + 1, today)]);
    const coldRows = await rowsRead(d1, [...flow, ...countQueries(db, g.guildId, today - 29, today)]);
    const row = (name: string, ms: number[], rows: string) => ({
      request: name,
      n: ms.length,
      'p50 ms': f(med(ms), 1),
      'p95 ms': f(pct(ms, 95), 1) + (pct(ms, 95) < TARGET_P95_MS ? ' ✅' : ' ❌'),
      'D1 rows read': rows,
      target: `p95 < ${TARGET_P95_MS} ms`,
    });
    return {
      kind: 'custom',
      name: 'dashboard: overview and application queue API (100,000 members of history)',
      rows: [
        { request: 'GET /overview (first: fills the 30-day rollup)', n: 1, 'p50 ms': f(cold!, 1), 'p95 ms': '', 'D1 rows read': String(coldRows), target: '' },
        row('GET /overview (30 days)', overview, String(warmRows)),
        row('GET /overview (90 days)', ninety, ''),
        row('GET /applications?status=open', queue, ''),
        row('GET /applications?status=decided', decided, ''),
      ],
      notes: [
        `Seeded in ${seededMs} ms: ${Object.entries(counts).map(([t, c]) => `${t} ${c.toLocaleString('en-US')}`).join(', ')} (one guild, over 365 days).`,
        'Wall time from Node over loopback, one request at a time, through the session, guild and access middleware (guild facts cached after the first request).',
        'D1 rows read: the overview\'s statements replayed through the D1 binding (meta.rows_read): warm = analytics\' daily rows (joins, leaves) + the overview rollup rows of the settled days + indexed counts of the open days; first = analytics\' rows + every counted day counted from the indexes.',
      ],
    };
  },
});
