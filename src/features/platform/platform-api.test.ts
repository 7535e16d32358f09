import { env as testBindings } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, dashboardWorld } from '../../testing/dashboard';
import { DAY_MS } from '../../core/daily';
import { SETTLE_MS, dayOf } from './overview.service';

describe('platform dashboard API: configuration and the audit log', () => {
  it('maps a channel (422 for a channel of no server), lists the change in the audit log and reverts it', async () => {
    const w = await dashboardWorld();
    const cookie = await w.as('owner');
    const base = `/api/guilds/${w.g.guildId}`;
    const channel = w.g.channels.general!;

    const bad = await api(w.env, 'PUT', `${base}/config/channels/mod_log`, { cookie, body: { channelId: '123456789012345678' } });
    expect(bad.status).toBe(422);
    expect(bad.body.fields).toHaveProperty('channelId');
    const notId = await api(w.env, 'PUT', `${base}/config/channels/mod_log`, { cookie, body: { channelId: 'general' } });
    expect(notId.status).toBe(422);
    expect(notId.body.fields.channelId).toMatch(/Discord id/);

    expect((await api(w.env, 'PUT', `${base}/config/channels/mod_log`, { cookie, body: { channelId: channel } })).status).toBe(200);
    expect((await api(w.env, 'PUT', `${base}/config/modules/tags`, { cookie, body: { enabled: false } })).status).toBe(200);
    const config = await api(w.env, 'GET', `${base}/config`, { cookie });
    expect(config.body.channels.find((c: { purpose: string }) => c.purpose === 'mod_log').channelId).toBe(channel);
    expect(config.body.modules.find((m: { name: string }) => m.name === 'tags').enabled).toBe(false);

    const channels = await api(w.env, 'GET', `${base}/audit?area=channels`, { cookie });
    expect(channels.body.entries).toHaveLength(1);
    const [entry] = channels.body.entries;
    expect(entry).toMatchObject({ action: 'channel.mod_log', area: 'channels', before: null, after: channel, actorId: w.ids.owner, revertible: true });

    const reverted = await api(w.env, 'POST', `${base}/audit/${entry.id}/revert`, { cookie });
    expect(reverted.status).toBe(200);
    expect(reverted.body.entry).toMatchObject({ action: 'channel.mod_log', before: channel, after: null });
    const after = await api(w.env, 'GET', `${base}/config`, { cookie });
    expect(after.body.channels.find((c: { purpose: string }) => c.purpose === 'mod_log').channelId).toBeNull();
    // Reverting again: the state is no longer the entry's after state.
    expect((await api(w.env, 'POST', `${base}/audit/${entry.id}/revert`, { cookie })).status).toBe(409);
  });

  it('reverts a settings change key by key, restoring the before state', async () => {
    const w = await dashboardWorld();
    const cookie = await w.as('owner');
    const base = `/api/guilds/${w.g.guildId}`;
    await api(w.env, 'PATCH', `${base}/moderation/settings`, { cookie, body: { warnDecayDays: 30 } });
    const changed = await api(w.env, 'PATCH', `${base}/moderation/settings`, {
      cookie,
      body: { thresholds: [{ count: 3, days: 7, action: 'timeout', duration: '1d' }], warnDecayDays: 60 },
    });
    expect(changed.body.thresholds).toEqual([{ count: 3, days: 7, action: 'timeout', durationMs: 86_400_000, duration: '1d' }]);
    const bad = await api(w.env, 'PATCH', `${base}/moderation/settings`, { cookie, body: { thresholds: [{ count: 3, days: 7, action: 'timeout', duration: 'soon' }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.fields).toHaveProperty('thresholds.0.duration');

    const [entry] = (await api(w.env, 'GET', `${base}/audit?area=moderation`, { cookie })).body.entries;
    expect(entry.action).toBe('settings.moderation');
    expect((await api(w.env, 'POST', `${base}/audit/${entry.id}/revert`, { cookie })).status).toBe(200);
    const now = await api(w.env, 'GET', `${base}/moderation/settings`, { cookie });
    expect(now.body).toMatchObject({ thresholds: [], warnDecayDays: 30 });
  });

  it('is for managers: a moderator may not read the audit log or the overview', async () => {
    const w = await dashboardWorld();
    const cookie = await w.as('moderator');
    expect((await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/audit`, { cookie })).status).toBe(403);
    expect((await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/overview`, { cookie })).status).toBe(403);
  });
});

describe('platform dashboard API: overview', () => {
  it('counts per day from indexed ranges and the rollup, without reading the rest of the history', async () => {
    const w = await dashboardWorld();
    const cookie = await w.as('manager');
    const guild = w.g.guildId;
    const db = testBindings.DB;
    const now = Date.now();
    const today = dayOf(now);
    const at = (daysAgo: number) => (today - daysAgo) * DAY_MS + 3_600_000;
    // History far outside the range (a year ago), and a little inside it.
    const old = Array.from({ length: 400 }, (_, i) => db.prepare('INSERT INTO command_log (interaction_id, guild_id, user_id, command, outcome, latency_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').bind(`old${i}`, guild, '1', '/ping', 'ok', 1, at(365)));
    await db.batch([
      ...old,
      db.prepare('INSERT INTO command_log (interaction_id, guild_id, user_id, command, outcome, latency_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').bind('a', guild, '1', '/ping', 'ok', 1, at(2)),
      db.prepare('INSERT INTO command_log (interaction_id, guild_id, user_id, command, outcome, latency_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').bind('b', guild, '1', '/ping', 'ok', 1, at(0)),
    ]);
    const from = new Date((today - 6) * DAY_MS).toISOString().slice(0, 10);
    const res = await api(w.env, 'GET', `/api/guilds/${guild}/overview?from=${from}`, { cookie });
    expect(res.status).toBe(200);
    expect(res.body.days).toHaveLength(7);
    // (Joins and leaves come from analytics' rollups: overview-history.test.ts.)
    expect(res.body.totals).toMatchObject({ joined: 0, left: 0, commands: 2 });
    expect(res.body.days[4]).toMatchObject({ commands: 1 });

    // Settled days are rolled up once: one row per day, and the command log is read only for the open days.
    const settled = dayOf(now - SETTLE_MS) - (today - 6);
    const rollup = await db.prepare('SELECT COUNT(*) AS n FROM overview_days WHERE guild_id = ?').bind(guild).first<{ n: number }>();
    expect(rollup?.n).toBe(settled);
    const plan = await db
      .prepare('EXPLAIN QUERY PLAN SELECT created_at / 86400000, count(*) FROM command_log WHERE guild_id = ? AND created_at >= ? AND created_at < ? GROUP BY 1')
      .bind(guild, at(6), now)
      .all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join(' ')).toMatch(/USING (COVERING )?INDEX command_log_guild_created/);
    const counted = await db
      .prepare('SELECT created_at / 86400000 AS day, count(*) AS n FROM command_log WHERE guild_id = ? AND created_at >= ? AND created_at < ? GROUP BY 1')
      .bind(guild, (today - 6) * DAY_MS, (today + 1) * DAY_MS)
      .all();
    expect(counted.meta.rows_read).toBeLessThan(10);

    const bad = await api(w.env, 'GET', `/api/guilds/${guild}/overview?from=2020-01-01`, { cookie });
    expect(bad.status).toBe(422);
    expect(bad.body.fields).toHaveProperty('from');
  });
});
