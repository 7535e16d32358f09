import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import worker from '../../../workers/bot/index';
import { UserError } from '../../core/errors';
import { gatewayEvents } from '../../core/gateway/schema';
import { getDb } from '../../db/client';
import { testEnv } from '../../testing/harness';
import { DAY_MS, HOUR_MS, dayOf } from './periods';
import { activitySeries, channelActivity, heatmap, lurkers, memberFlow, prunePreview } from './queries';
import { analyticsGuildDays, analyticsGuildHours, analyticsMembers, analyticsWatermarks } from './schema';

let serial = 0;
const gid = () => String(800000000000000000n + BigInt(++serial) * 7919n + BigInt(Date.now() % 100000));
const NOW = Date.UTC(2026, 10, 20, 12, 0);

describe('analytics queries', () => {
  it('lurkers: silent for N days, still here, joined long enough ago; longest silent first', async () => {
    const db = getDb(testEnv());
    const g = gid();
    const at = (days: number) => NOW - days * DAY_MS;
    await db.insert(analyticsMembers).values([
      { guildId: g, userId: 'active', lastActiveAt: at(2), lastMessageAt: at(2), joinedAt: at(400) },
      { guildId: g, userId: 'quiet60', lastActiveAt: at(60), lastReactionAt: at(60), joinedAt: at(400) },
      { guildId: g, userId: 'never', lastActiveAt: 0, joinedAt: at(100) },
      { guildId: g, userId: 'newcomer', lastActiveAt: 0, joinedAt: at(3) },
      { guildId: g, userId: 'gone', lastActiveAt: at(90), joinedAt: at(400), leftAt: at(80) },
      { guildId: g, userId: 'back', lastActiveAt: at(90), joinedAt: at(20), leftAt: at(80) },
      { guildId: g, userId: 'unknownJoin', lastActiveAt: at(45), lastVoiceAt: at(45) },
    ]);
    const got = await lurkers(db, g, { days: 30, minTenureDays: 7, now: NOW });
    expect(got.members.map((m) => m.userId)).toEqual(['never', 'back', 'quiet60', 'unknownJoin']);
    expect(got).toMatchObject({ total: 4, truncated: false });
    expect((await lurkers(db, g, { days: 30, minTenureDays: 30, now: NOW })).members.map((m) => m.userId)).toEqual(['never', 'quiet60', 'unknownJoin']);
    const page = await lurkers(db, g, { days: 30, minTenureDays: 7, now: NOW, limit: 2 });
    expect(page).toMatchObject({ total: 4, truncated: true });
    expect(page.members).toHaveLength(2);
    expect(await lurkers(db, gid(), { days: 30, minTenureDays: 7, now: NOW })).toEqual({ members: [], total: 0, truncated: false });
  });

  it('prune preview: removes the inactive with no roles (or only included ones); says why the others stay', async () => {
    const db = getDb(testEnv());
    const g = gid();
    await db.insert(analyticsMembers).values([
      { guildId: g, userId: 'talker', lastActiveAt: NOW - 2 * DAY_MS },
      { guildId: g, userId: 'oldTalker', lastActiveAt: NOW - 40 * DAY_MS },
    ]);
    const old = NOW - 200 * DAY_MS;
    const roster = [
      { userId: 'talker', roleIds: [], joinedAt: old },
      { userId: 'oldTalker', roleIds: [g], joinedAt: old }, // only @everyone: no roles
      { userId: 'neverSeen', roleIds: [], joinedAt: old },
      { userId: 'roleHolder', roleIds: ['r-member'], joinedAt: old },
      { userId: 'includedRole', roleIds: ['r-level1'], joinedAt: old },
      { userId: 'mixedRoles', roleIds: ['r-level1', 'r-member'], joinedAt: old },
      { userId: 'fresh', roleIds: [], joinedAt: NOW - 3 * DAY_MS },
      { userId: 'bot', roleIds: ['r-bot'], joinedAt: old, bot: true },
    ];
    const p = await prunePreview(db, g, { days: 30, includeRoles: ['r-level1'], roster, now: NOW });
    expect(p.remove.map((v) => v.userId).sort()).toEqual(['includedRole', 'neverSeen', 'oldTalker']);
    const why = Object.fromEntries(p.keep.map((v) => [v.userId, v.kept]));
    expect(why).toEqual({ talker: ['active'], roleHolder: ['has_roles'], mixedRoles: ['has_roles'], fresh: ['joined_recently'], bot: ['bot', 'has_roles'] });
    expect(p.counts).toEqual({ remove: 3, has_roles: 3, active: 1, joined_recently: 1, bot: 1 });
    // Without include_roles, a member with any role stays.
    expect((await prunePreview(db, g, { days: 30, roster, now: NOW })).remove.map((v) => v.userId).sort()).toEqual(['neverSeen', 'oldTalker']);
    await expect(prunePreview(db, g, { days: 31, roster, now: NOW })).rejects.toThrow('The prune window must be a whole number of days from 1 to 30 (got 31).');
  });

  it('heatmap: drawn in the guild timezone, from daily rows and hours alike; a bad zone is a clear error', async () => {
    const db = getDb(testEnv());
    const g = gid();
    const day = dayOf(NOW) - 10; // compacted
    const monday2300 = Date.UTC(2026, 10, 16, 23); // Monday 23:00 UTC
    await db.insert(analyticsWatermarks).values({ name: 'days', value: dayOf(NOW) - 1 }).onConflictDoUpdate({ target: analyticsWatermarks.name, set: { value: dayOf(NOW) - 1 } });
    await db.insert(analyticsGuildDays).values({ guildId: g, day: dayOf(monday2300), messages: 5, hourly: { '23': 5 } });
    await db.insert(analyticsGuildDays).values({ guildId: g, day, messages: 2, hourly: { '1': 2 } });
    await db.insert(analyticsGuildHours).values({ guildId: g, hour: Math.floor(NOW / HOUR_MS) - 1, messages: 7 }); // Friday 11:00 UTC, not compacted
    const utc = await heatmap(db, g, { days: 30, timezone: 'UTC', now: NOW });
    expect(utc.cells[0]![23]).toBe(5);
    expect(utc.cells[4]![11]).toBe(7);
    expect(utc).toMatchObject({ total: 14, max: 7, rowsRead: 3, timezone: 'UTC' });
    const tokyo = await heatmap(db, g, { days: 30, timezone: 'asia/tokyo', now: NOW });
    expect(tokyo.timezone).toBe('Asia/Tokyo');
    expect(tokyo.cells[1]![8]).toBe(5); // Tuesday 08:00 in Tokyo
    expect(tokyo.cells[4]![20]).toBe(7);
    await expect(heatmap(db, g, { days: 30, timezone: 'Mars/Olympus_Mons', now: NOW })).rejects.toThrow(UserError);
    await expect(heatmap(db, g, { days: 0, timezone: 'UTC', now: NOW })).rejects.toThrow('The heatmap range must be a whole number of days from 1 to 366 (got 0).');
    const empty = await heatmap(db, gid(), { days: 90, timezone: 'UTC', now: NOW });
    expect(empty).toMatchObject({ total: 0, max: 0, rowsRead: 0 });
    expect(empty.cells.flat()).toHaveLength(168);
  });

  it('series, channels and member flow: zeros for a guild with no data, ranges checked', async () => {
    const db = getDb(testEnv());
    const g = gid();
    const series = await activitySeries(db, g, { from: NOW - 7 * DAY_MS, to: NOW, granularity: 'day' });
    expect(series).toHaveLength(8);
    expect(series.every((p) => p.messages === 0 && p.members === 0)).toBe(true);
    expect(await activitySeries(db, g, { from: NOW - 6 * HOUR_MS, to: NOW, granularity: 'hour' })).toHaveLength(6);
    await expect(activitySeries(db, g, { from: NOW - 40 * DAY_MS, to: NOW, granularity: 'hour' })).rejects.toThrow('An hourly series covers at most 31 days');
    await expect(activitySeries(db, g, { from: NOW, to: NOW - 1, granularity: 'day' })).rejects.toThrow('The range must end after it starts.');
    expect(await channelActivity(db, g, { days: 30, now: NOW })).toEqual([]);
    await expect(channelActivity(db, g, { days: 367, now: NOW })).rejects.toThrow('from 1 to 366');
    const flow = await memberFlow(db, g, { days: 14, now: NOW });
    expect(flow).toMatchObject({ joins: 0, leaves: 0 });
    expect(flow.days).toHaveLength(14);
  });

  it('the hourly cron rolls up, compacts settled days, and prunes message rows only once their day is compacted', async () => {
    const env = testEnv({ LAKE_MESSAGE_RETENTION_DAYS: '2' } as Partial<Env>);
    const db = getDb(env);
    const g = gid();
    const now = Date.now();
    const start = now - 3 * DAY_MS;
    const rows = [];
    for (let i = 0; i < 6; i++) rows.push({ sourceId: `cron-test:${g}:${i}`, type: 'MESSAGE_CREATE', guildId: g, channelId: 'c1', userId: `u${i % 2}`, occurredAt: start + i * 8 * HOUR_MS, receivedAt: start + i * 8 * HOUR_MS, payload: {}, status: 'done' });
    rows.push({ sourceId: `cron-test:${g}:join`, type: 'GUILD_MEMBER_ADD', guildId: g, channelId: null, userId: 'u9', occurredAt: start, receivedAt: start, payload: {}, status: 'done' });
    await db.insert(gatewayEvents).values(rows);
    // Start the rollup where these events start (a first run would backfill from the lake's oldest event, 24 hours a run).
    await db.delete(analyticsWatermarks);
    await db.insert(analyticsWatermarks).values([
      { name: 'hours', value: Math.floor(start / HOUR_MS) },
      { name: 'days', value: dayOf(start) },
    ]);
    for (let run = 0; run < 4; run++) {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ cron: '0 * * * *', scheduledTime: now }), env, ctx);
      await waitOnExecutionContext(ctx);
    }
    const marks = new Map((await db.select().from(analyticsWatermarks)).map((r) => [r.name, r.value]));
    expect(marks.get('hours')).toBe(Math.floor(now / HOUR_MS) - 3 + 1);
    expect(marks.get('days')).toBeGreaterThan(dayOf(start));
    const days = await db.select().from(analyticsGuildDays).where(eq(analyticsGuildDays.guildId, g));
    expect(days.map((d) => d.day)).toContain(dayOf(start));
    expect(days.find((d) => d.day === dayOf(start))!.joins).toBe(1);
    // Messages older than 2 days went, but only from days already compacted; the join (another type) stayed.
    const left = await db.select({ type: gatewayEvents.type, occurredAt: gatewayEvents.occurredAt }).from(gatewayEvents).where(eq(gatewayEvents.guildId, g));
    const cutoff = Math.min(now - 2 * DAY_MS, marks.get('days')! * DAY_MS);
    expect(left.filter((r) => r.type === 'MESSAGE_CREATE').every((r) => r.occurredAt >= cutoff)).toBe(true);
    expect(left.filter((r) => r.type === 'MESSAGE_CREATE').length).toBeLessThan(6);
    expect(left.some((r) => r.type === 'GUILD_MEMBER_ADD')).toBe(true);
    // The rollups kept the history the lake let go of.
    const total = await activitySeries(db, g, { from: start - DAY_MS, to: now, granularity: 'day' });
    expect(total.reduce((n, p) => n + p.messages, 0)).toBe(6);
  });
});
