/**
 * The overview's joins and leaves come from analytics' rollups, which keep the history the
 * event lake lets go of: events rolled up by the hourly cron, then pruned from the lake by its
 * retention, still show; a guild with no data gets zeros. (Own file: the rollup watermarks are
 * bot-wide, and storage is shared by the tests of one file.)
 */
import { createExecutionContext, createScheduledController, env as testBindings, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../../workers/bot/index';
import { DAY_MS } from '../../core/daily';
import { api, dashboardWorld } from '../../testing/dashboard';
import { dayOf } from './overview.service';

const HOUR = 3_600_000;
const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

async function hourly(env: Env, at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '0 * * * *', scheduledTime: at }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe('platform dashboard API: overview over analytics rollups', () => {
  it('shows joins and leaves older than the lake keeps (rolled up, then pruned from the lake); a guild with no data gets zeros', async () => {
    const w = await dashboardWorld();
    const cookie = await w.as('manager');
    const guild = w.g.guildId;
    const db = testBindings.DB;
    const now = Date.now();
    const today = dayOf(now);
    // Twenty days ago: past EVENT_RETENTION_DAYS (7), so the lake no longer has these rows.
    const day = today - 20;
    const lake = (id: string, type: string, user: string, at: number, payload = '{}') =>
      db
        .prepare("INSERT INTO gateway_events (source_id, type, guild_id, user_id, occurred_at, received_at, payload, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'done')")
        .bind(id, type, guild, user, at, at, payload);
    await db.batch([
      lake('old-j1', 'GUILD_MEMBER_ADD', '1300000000000000001', day * DAY_MS + 2 * HOUR),
      lake('old-j2', 'GUILD_MEMBER_ADD', '1300000000000000002', day * DAY_MS + 9 * HOUR),
      lake('old-j3', 'GUILD_MEMBER_ADD', '1300000000000000003', day * DAY_MS + 23 * HOUR),
      lake('old-bot', 'GUILD_MEMBER_ADD', '1300000000000000004', day * DAY_MS + 10 * HOUR, '{"bot":true}'),
      lake('old-l1', 'GUILD_MEMBER_REMOVE', '1300000000000000001', day * DAY_MS + 12 * HOUR),
      lake('next-j', 'GUILD_MEMBER_ADD', '1300000000000000005', (day + 1) * DAY_MS + 1 * HOUR),
    ]);

    // The hourly trigger as it ran back then (a first run backfills from the lake's oldest
    // event, 24 hours a run; a day is compacted once its hours are final), then today's,
    // whose lake retention drops those rows.
    for (const at of [(day + 1) * DAY_MS + 4 * HOUR, (day + 1) * DAY_MS + 5 * HOUR, (day + 2) * DAY_MS + 4 * HOUR, (day + 2) * DAY_MS + 5 * HOUR]) await hourly(w.env, at);
    await hourly(w.env, now);
    const kept = await db.prepare('SELECT COUNT(*) AS n FROM gateway_events WHERE guild_id = ?').bind(guild).first<{ n: number }>();
    expect(kept?.n).toBe(0);

    const res = await api(w.env, 'GET', `/api/guilds/${guild}/overview?from=${iso(day - 1)}&to=${iso(today)}`, { cookie });
    expect(res.status).toBe(200);
    expect(res.body.days).toHaveLength(22);
    expect(res.body.days[1]).toMatchObject({ date: iso(day), joined: 3, left: 1 });
    expect(res.body.days[2]).toMatchObject({ date: iso(day + 1), joined: 1, left: 0 });
    expect(res.body.totals).toMatchObject({ joined: 4, left: 1, submitted: 0, decided: 0, cases: 0, commands: 0 });
    // Asked again (the settled days now come from the overview's own rollup): the same.
    expect((await api(w.env, 'GET', `/api/guilds/${guild}/overview?from=${iso(day - 1)}&to=${iso(today)}`, { cookie })).body.totals).toEqual(res.body.totals);

    // A guild with no data at all: every day zero, not an error.
    const empty = await dashboardWorld();
    const emptyRes = await api(empty.env, 'GET', `/api/guilds/${empty.g.guildId}/overview`, { cookie: await empty.as('manager') });
    expect(emptyRes.status).toBe(200);
    expect(emptyRes.body.days).toHaveLength(30);
    expect(emptyRes.body.totals).toEqual({ joined: 0, left: 0, submitted: 0, decided: 0, cases: 0, commands: 0 });
  });
});
