/**
 * The join funnel from real events: joins and first messages through the EVENTS consumer (the
 * lake hook, redeliveries included), level-ups through the `level_up` internal event, and
 * applications from the gate's table; cohorts by UTC week, decision times per cohort.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registry } from '../../../../workers/bot/index';
import { emitInternal } from '../../../core/internal-events';
import { getDb } from '../../../db/client';
import { createDiscord } from '../../../discord';
import { gateApplications } from '../../gate/schema';
import { snowflake } from '../../../testing/snowflake';
import { driftWorld, type DriftWorld } from '../testing/drift-world';
import { joinFunnel, weekOf } from './funnel.query';

let w: DriftWorld;
const HOUR = 3600_000;
// A Wednesday noon UTC; the cohorts are the weeks of Monday 2026-11-16 and Monday 2026-11-23.
const T0 = Date.UTC(2026, 10, 18, 12);

beforeEach(async () => {
  w = await driftWorld();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

const join = (userId: string, at: number) =>
  w.event('GUILD_MEMBER_ADD', { user: { id: userId, username: 'new', discriminator: '0', global_name: null, avatar: null }, roles: [], joined_at: new Date(at).toISOString(), deaf: false, mute: false, flags: 0 }, `${w.g.guildId}:${userId}:${at}`);
const message = (userId: string) => {
  const id = snowflake();
  return w.event('MESSAGE_CREATE', { id, channel_id: w.g.channels.general, author: { id: userId, username: 'x', discriminator: '0', global_name: null, avatar: null }, content: '', timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: [], pinned: false, type: 0 }, id);
};
async function application(userId: string, submittedAt: number, status: 'accepted' | 'rejected' | 'pending', decidedAfter?: number) {
  await getDb(w.env).insert(gateApplications).values({
    guildId: w.g.guildId, userId, userTag: 'x', status, answers: [], accountCreatedAt: 0, joinedAt: null, youngAccount: false, submittedAt,
    ...(decidedAfter ? { decidedAt: submittedAt + decidedAfter, decidedBy: w.moderator.user.id } : {}),
  } as never);
}

describe('join funnel', () => {
  it('counts each weekly cohort through the steps, with decision times, and ignores redeliveries', async () => {
    const [a, b, c, d] = ['100000000000000101', '100000000000000102', '100000000000000103', '100000000000000104'];
    await join(a, T0);
    await join(a, T0); // redelivered
    await join(b, T0 + HOUR);
    await join(c, T0 + 2 * HOUR);
    await application(a, T0 + HOUR, 'accepted', 2 * HOUR);
    await application(b, T0 + 2 * HOUR, 'rejected', 4 * HOUR);
    await message(a);
    await message(a);
    await emitInternal({ env: w.env, db: getDb(w.env), discord: createDiscord(w.env), waitUntil: () => {}, registry } as never, 'level_up', { guildId: w.g.guildId, userId: a, key: 'x:L6', payload: { level: 6 } });

    vi.setSystemTime(T0 + 7 * 24 * HOUR);
    await join(d, Date.now());
    await message(d);
    await message(c); // c (last week's cohort) speaks now: it still counts for their cohort

    const f = await joinFunnel(getDb(w.env), w.g.guildId, { weeks: 2, level: 5 });
    expect(f.cohorts.map((x) => x.week)).toEqual([weekOf(T0), weekOf(T0) + 7 * 24 * HOUR]);
    expect(new Date(f.cohorts[0]!.week).toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(f.cohorts[0]).toMatchObject({ joined: 3, applied: 2, accepted: 1, firstMessage: 2, reachedLevel: 1, decided: 2, decisionMedianMs: 2 * HOUR, decisionP90Ms: 4 * HOUR });
    expect(f.cohorts[1]).toMatchObject({ joined: 1, applied: 0, accepted: 0, firstMessage: 1, reachedLevel: 0, decisionMedianMs: null });

    // A rejoin restarts the member's funnel in the new week.
    await join(a, Date.now());
    const again = await joinFunnel(getDb(w.env), w.g.guildId, { weeks: 2 });
    expect(again.cohorts[0]!.joined).toBe(2);
    expect(again.cohorts[1]).toMatchObject({ joined: 2, firstMessage: 1, reachedLevel: 0 });
  });

  it('answers out-of-range options clearly', async () => {
    await expect(joinFunnel(getDb(w.env), w.g.guildId, { weeks: 0 })).rejects.toThrow(/Weeks must be/);
    await expect(joinFunnel(getDb(w.env), w.g.guildId, { level: 0 })).rejects.toThrow(/level must be/);
    expect((await joinFunnel(getDb(w.env), w.g.guildId)).cohorts.every((c) => c.joined === 0)).toBe(true);
  });
});
