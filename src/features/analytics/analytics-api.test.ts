/**
 * The analytics dashboard routes against the fake Discord: figures from the rollups, access
 * by level (managers for activity, moderators for drift and lurkers), the drift timeline and
 * accept (audited), and the opt-in public activity page (404 until a manager turns it on;
 * counts only).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../core/schema';
import { getDb } from '../../db/client';
import { api, dashboardWorld, type DashboardWorld } from '../../testing/dashboard';
import { eq } from 'drizzle-orm';
import { GuildDrift } from './drift/drift.repo';
import { seedDailyRollups } from './testing/rollup-seed';

let w: DashboardWorld;
let owner: string;
let moderator: string;
const base = () => `/api/guilds/${w.g.guildId}/analytics`;

beforeAll(async () => {
  w = await dashboardWorld();
  owner = await w.as('owner');
  moderator = await w.as('moderator');
  await seedDailyRollups(getDb(w.env), w.g.guildId, 400, { channels: ['100000000000000201', '100000000000000202'] });
});

describe('analytics API', () => {
  it('answers activity, heatmap and channels to managers only', async () => {
    const res = await api(w.env, 'GET', `${base()}/activity?days=30`, { cookie: owner });
    expect(res.status).toBe(200);
    expect(res.body.points).toHaveLength(30);
    // Every seeded day has messages; today (the last point) has none yet.
    expect(res.body.points.slice(0, -1).every((p: { messages: number }) => p.messages > 0)).toBe(true);
    expect((await api(w.env, 'GET', `${base()}/activity?days=30`, { cookie: moderator })).status).toBe(403);
    expect((await api(w.env, 'GET', `${base()}/activity?days=9999`, { cookie: owner })).status).toBe(422);

    const heat = await api(w.env, 'GET', `${base()}/heatmap?days=28&tz=Europe/Paris`, { cookie: owner });
    expect(heat.status).toBe(200);
    expect(heat.body.cells).toHaveLength(7);
    expect(heat.body.total).toBeGreaterThan(0);
    const badTz = await api(w.env, 'GET', `${base()}/heatmap?tz=Mars/Olympus`, { cookie: owner });
    expect(badTz.status).toBe(400);
    expect(badTz.body.message).toMatch(/not a timezone/);

    const channels = await api(w.env, 'GET', `${base()}/channels?days=7`, { cookie: owner });
    expect(channels.body.channels.map((c: { channelId: string }) => c.channelId)).toEqual(['100000000000000201', '100000000000000202']);
  });

  it('shows moderators the drift, and lets managers accept it as the baseline (audited)', async () => {
    const db = getDb(w.env);
    const drift = new GuildDrift(db, w.g.guildId);
    await db.batch(drift.acceptStatements('system', Date.now() - 1000, 'reconcile') as never);
    const seen = { key: 't1', source: 'gateway' as const, at: Date.now() };
    await db.batch([...drift.roleSeen({ id: '100000000000000301', name: 'Ops', permissions: '8' }, seen), ...drift.holderAdded('100000000000000301', '100000000000000302', seen)] as never);
    const res = await api(w.env, 'GET', `${base()}/drift`, { cookie: moderator });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { kind: string }) => i.kind)).toEqual(['role.added', 'holder.added']);
    expect(res.body.timeline[0]).toMatchObject({ kind: 'holder.added', userId: '100000000000000302' });
    expect(res.body.timeline.find((c: { kind: string }) => c.kind === 'role.dangerous').after).toEqual(['Administrator']);

    expect((await api(w.env, 'POST', `${base()}/drift/accept`, { cookie: moderator, body: {} })).status).toBe(403);
    const accepted = await api(w.env, 'POST', `${base()}/drift/accept`, { cookie: owner, body: {} });
    expect(accepted.body).toEqual({ cleared: 2 });
    expect((await api(w.env, 'GET', `${base()}/drift`, { cookie: moderator })).body.items).toEqual([]);
    const audits = await db.select().from(auditLog).where(eq(auditLog.action, 'analytics.drift.baseline'));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actorId).toBe(w.g.ownerId);
  });

  it('lists lurkers with the prune preview for moderators', async () => {
    const res = await api(w.env, 'GET', `${base()}/lurkers?days=30`, { cookie: moderator });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lurkers: expect.any(Array), prune: { days: 30, partial: false } });
  });

  it('publishes daily counts only once a manager opts in', async () => {
    const publicPath = `/api/public/guilds/${w.g.guildId}/activity`;
    expect((await api(w.env, 'GET', publicPath)).status).toBe(404);
    expect((await api(w.env, 'PUT', `${base()}/public`, { cookie: moderator, body: { enabled: true } })).status).toBe(403);
    const on = await api(w.env, 'PUT', `${base()}/public`, { cookie: owner, body: { enabled: true } });
    expect(on.body).toEqual({ enabled: true });
    const res = await api(w.env, 'GET', publicPath);
    expect(res.status).toBe(200);
    expect(res.body.days).toHaveLength(30);
    expect(Object.keys(res.body.days[0]).sort()).toEqual(['joins', 'leaves', 'members', 'messages', 't']);
    expect(JSON.stringify(res.body)).not.toMatch(/\d{17,20}/);
    // Another guild is still a 404.
    expect((await api(w.env, 'GET', `/api/public/guilds/${w.other.guildId}/activity`)).status).toBe(404);
    await api(w.env, 'PUT', `${base()}/public`, { cookie: owner, body: { enabled: false } });
    expect((await api(w.env, 'GET', publicPath)).status).toBe(404);
  });
});
