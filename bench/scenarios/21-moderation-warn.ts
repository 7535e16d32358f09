/**
 * Issue 4 (moderation): `/warn` under load, next to `/ping`. A moderator (staff level from the
 * Moderators role in D1) warns members of a seeded guild; the Worker answers with a deferred
 * ephemeral reply and then, in the background: guild + target + bot member lookups, the
 * hierarchy checks, the DM (open channel + message), the case insert (per-guild number in one
 * statement), the mod-log post and link, the thresholds read, and the edit of the reply.
 * Every request is a new interaction (own token), so each one completes on its own; the work
 * counts as done when the fake has recorded its `@original` edit.
 */
import { ApplicationCommandOptionType as T, type APIInteraction } from 'discord-api-types/v10';
import { option, slashCommand, user } from '../../src/testing/interactions';
import { deferredRows, probeOnce, runDeferred, type DeferredItem, type DeferredRun } from '../lib/gate-accept-runner';
import type { Mode } from '../lib/gate-bench-kit';
import { BENCH_APPLICATION_ID, dropModGuilds, seedMembers, seedModGuild, type ModGuild } from '../lib/moderation-world';
import { defineScenario, expectThat, type CustomResult } from '../scenario';

const pinger = user({ id: '1300000000000000021' });

function warn(world: ModGuild, targetId: string, i: number): APIInteraction {
  const target = user({ id: targetId, username: `member${i}` });
  return slashCommand('warn', {
    guildId: world.guildId,
    channelId: world.channels.general,
    user: user({ id: world.moderatorId, username: 'moderator' }),
    roles: [world.roles.Moderators],
    permissions: '0',
    options: [option('member', T.User, targetId), option('reason', T.String, `Benchmark warning ${i}: please keep the channel on topic.`)],
    resolved: {
      users: { [targetId]: target },
      members: { [targetId]: { roles: [world.roles.Members], joined_at: new Date(Date.now() - 30 * 86_400_000).toISOString(), permissions: '0', flags: 0 } as never },
    },
  });
}

function item(world: ModGuild, targets: readonly string[], i: number): DeferredItem {
  const payload = warn(world, targets[i % targets.length]!, i);
  const token = (payload as unknown as { token: string }).token;
  return { payload, done: { method: 'PATCH', path: `/webhooks/${BENCH_APPLICATION_ID}/${token}/messages/@original` } };
}

export default defineScenario({
  name: 'moderation warn',
  description: '/warn by a moderator (deferred; DM, case, mod-log post, reply edit in the background) next to /ping',
  async run(ctx): Promise<CustomResult> {
    const quick = ctx.options.rounds < 2;
    const perRun = quick ? 300 : 600;
    const modes: Mode[] = [...ctx.options.concurrencies.map((c): Mode => ({ kind: 'closed', concurrency: c })), { kind: 'open', rate: ctx.options.rate }];
    const { db } = ctx.bot;
    const rig = { label: 'stock fake (rate-limit headers)', target: ctx.bot.target, fakeDiscordUrl: ctx.fakeDiscordUrl };
    const world = await seedModGuild(db, ctx.fakeDiscordUrl, 'Bench Warn');
    const targets = await seedMembers(ctx.fakeDiscordUrl, world, 500);
    const ping = () => slashCommand('ping', { guildId: world.guildId, user: pinger });
    const notes: string[] = [];

    const body = await probeOnce(ctx.keys, rig.target, warn(world, targets[0]!, 0));
    const reply = body as { type?: number; data?: { flags?: number } };
    expectThat(reply.type === 5 && ((reply.data?.flags ?? 0) & 64) !== 0, 'deferred ephemeral reply (type 5) from /warn', body);
    let n = 1;
    const take = (count: number) => Array.from({ length: count }, () => item(world, targets, n++));
    await runDeferred(ctx.keys, rig, { kind: 'closed', concurrency: 8 }, 0, take(100), ping, 30_000);

    const runs: DeferredRun[] = [];
    for (let round = 1; round <= ctx.options.rounds; round++) {
      for (const mode of modes) {
        const run = await runDeferred(ctx.keys, rig, mode, round, take(perRun), ping, 60_000);
        console.error(`[bench] moderation warn ${run.mode} r${round}: 1st ${run.first.rps.toFixed(0)} req/s (ping ${run.ping.rps.toFixed(0)}), all done after ${(run.completedMs / 1000).toFixed(2)} s`);
        runs.push(run);
      }
    }
    const cases = await db.prepare('SELECT COUNT(*) AS n, MAX(case_number) AS top, SUM(log_message_id IS NOT NULL) AS logged FROM mod_cases WHERE guild_id = ?').bind(world.guildId).first<{ n: number; top: number; logged: number }>();
    notes.push(
      `${cases?.n ?? 0} warn cases written (numbers 1…${cases?.top ?? 0}, ${cases?.logged ?? 0} with their mod-log message) to ${targets.length} members of one guild. ` +
        `Each run sends ${perRun} distinct /warn interactions once, after a /ping run of the same size and mode; "all work done" ends at the last @original edit the fake recorded. ` +
        'The fake Discord runs in the load generator\'s Node process (2 shared cores).',
    );
    await dropModGuilds(db, [world.guildId]);
    return { kind: 'custom', name: 'moderation: /warn under load, next to /ping', rows: deferredRows(runs, '/warn'), notes };
  },
});
