import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../../../workers/bot/index';
import { encodeCustomId } from '../../core/custom-id';
import { auditLog } from '../../core/schema';
import { getDb } from '../../db/client';
import { KEYS } from './panel';
import { pointsOf, standings } from './quota.service';
import { recordRunEnd } from './run-end';
import { runStub } from './runs.service';
import { runsWorld, type RunsWorld } from './runs.fixture';

let w: RunsWorld;
beforeEach(async () => {
  w = await runsWorld();
});
afterEach(async () => {
  vi.useRealTimers();
  await w.fake.assertNoViolations();
});

// The default quota period: weekly, Monday 00:00 UTC. Monday 2026-12-07 starts W2026-12-07.
const BOUNDARY = Date.parse('2026-12-07T00:00:00Z');
const at = (ms: number) => vi.setSystemTime(ms);

async function hourly(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '0 * * * *', scheduledTime }), w.env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Starts a Raid as the helper and ends it with the End control. */
async function runAndEnd(): Promise<string> {
  const { runId, controls } = await w.start(w.helper, 'Raid');
  const end = await w.press(w.helper, encodeCustomId(KEYS.control, runId, 'end'), controls);
  expect(end.content).toContain('Run ended');
  expect(end.content).toContain('You earned **1.5** quota points');
  return runId;
}

describe('quota points', () => {
  it('a run credits the period it ended in, exactly at the boundary; a repeated end (after the boundary, too) credits once; the close is announced once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    at(BOUNDARY - 3_600_000);
    await w.run(w.moderator, 'quota', {}, 'panel');
    at(BOUNDARY - 1);
    const before = await runAndEnd();
    at(BOUNDARY);
    const after = await runAndEnd();
    const db = getDb(w.env);
    expect(await pointsOf(db, w.g.guildId, w.helper.user.id, 'W2026-11-30')).toBe(150);
    expect(await pointsOf(db, w.g.guildId, w.helper.user.id, 'W2026-12-07')).toBe(150);

    // The Object's alarm retrying the end record later (as after a crash) moves nothing.
    at(BOUNDARY + 86_400_000);
    for (const runId of [before, after]) {
      const view = (await runStub(w.env, runId).view())!;
      await recordRunEnd(w.env, { ...view.state, guildId: w.g.guildId, endedAt: runId === before ? BOUNDARY - 1 : BOUNDARY }, 'ended', view.roster);
      expect((await runStub(w.env, runId).finish('ended')).ok).toBe(false);
    }
    expect(await standings(db, w.g.guildId, 'W2026-11-30')).toEqual([{ userId: w.helper.user.id, points: 150 }]);
    expect(await standings(db, w.g.guildId, 'W2026-12-07')).toEqual([{ userId: w.helper.user.id, points: 150 }]);

    // The hourly job announces the closed period once, however often (or concurrently) it runs.
    await hourly(BOUNDARY + 60_000);
    await Promise.all([hourly(BOUNDARY + 3_600_000), hourly(BOUNDARY + 3_600_000)]);
    const general = await w.fake.messages(w.g.channels.general!);
    const closes = general.filter((m) => m.content === 'Quota period **W2026-11-30** is over.');
    expect(closes).toHaveLength(1);
    expect(closes[0]!.embeds[0]!.description).toContain(`<@${w.helper.user.id}> · **1.5**`);
    // The panel shows the current period's standings.
    const panel = general.find((m) => m.embeds[0]?.title?.startsWith('📋 Quota leaderboard'))!;
    expect(panel.embeds[0]!.title).toBe('📋 Quota leaderboard · W2026-12-07');
    expect(panel.embeds[0]!.description).toContain(`<@${w.helper.user.id}> · **1.5**`);
  });

  it('/quota adjust is bounded, audited with the change, and reaches show and the leaderboard; refused input writes nothing', async () => {
    const target = await w.member({ roles: ['Helpers'] });
    await w.run(w.owner, 'quota', { role: { role: w.g.roles.Helpers! }, required: '3' }, 'config');
    const refusals: [string, string][] = [
      ['100.01', 'One adjustment moves at most 100 points'],
      ['0', 'Adjust by something other than zero'],
      ['lots', 'is not a weight'],
      ['1.234', 'is not a weight'],
    ];
    for (const [points, message] of refusals) {
      const out = await w.run(w.moderator, 'quota', { member: { user: target.user.id }, points, reason: 'testing' }, 'adjust');
      expect(out.ephemeral).toBe(true);
      expect(out.content).toContain(message);
    }
    const db = getDb(w.env);
    const audits = () => db.select().from(auditLog).where(and(eq(auditLog.guildId, w.g.guildId), eq(auditLog.action, 'quota.adjust')));
    expect(await audits()).toHaveLength(0);
    const helperRefused = await w.run(w.helper, 'quota', { member: { user: target.user.id }, points: '1', reason: 'self-serve' }, 'adjust');
    expect(helperRefused.content).toMatch(/moderator/i);

    const added = await w.run(w.moderator, 'quota', { member: { user: target.user.id }, points: '2.5', reason: 'ran the raid on paper' }, 'adjust');
    expect(added.content).toContain('Added **2.5** points');
    const removed = await w.run(w.moderator, 'quota', { member: { user: target.user.id }, points: '-0.75', reason: 'double counted' }, 'adjust');
    expect(removed.content).toContain('now **1.75**');
    const rows = await audits();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ actorId: w.moderator.user.id });
    expect(rows[1]!.after).toMatchObject({ userId: target.user.id, points: -75, reason: 'double counted' });

    const show = await w.run(target, 'quota', {}, 'show');
    expect(show.content).toContain('**1.75** quota points');
    expect(show.content).toContain('1.25 to go of 3');
    const board = await w.run(target, 'quota', {}, 'leaderboard');
    expect(board.message?.embeds?.[0]?.description).toContain(`<@${target.user.id}> · **1.75**`);
    const badPeriod = await w.run(target, 'quota', { period: 'W2026-12-02' }, 'leaderboard');
    expect(badPeriod.content).toContain('There is no period `W2026-12-02`');
  });
});

