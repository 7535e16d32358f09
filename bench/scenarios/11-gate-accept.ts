/**
 * Issue 3 (gate): a review-card interaction (Accept) under load, next to `/ping`. Every
 * request accepts a *different* pending application (seeded with its applicant and card on
 * the fake Discord), so each one wins the conditional transition and runs the whole side
 * effect chain after the deferred first response: role grant, unverified role removal,
 * guild lookup, DM (open channel + message), welcome post, card edit.
 *
 * Two figures per run: the first response (what Discord waits for, 3 s budget) and the
 * completed work (until the fake has recorded every card edit). The same runs are repeated
 * on a control bot whose fake sends no rate-limit headers, to show how much of the completion
 * time is the REST client sleeping on the fake's emulated 50/s buckets.
 */
import { slashCommand, user } from '../../src/testing/interactions';
import { deferredRows, probeOnce, runDeferred, type DeferredItem, type DeferredRun, type Rig } from '../lib/gate-accept-runner';
import { serveControlBot, type Mode } from '../lib/gate-bench-kit';
import { acceptPress, dropGateGuilds, seedGateGuild, seedPendingApplications, type GateGuild, type PendingApplication } from '../lib/gate-world';
import type { BenchD1 } from '../lib/workers';
import { defineScenario, expectThat, type CustomResult, type ScenarioContext } from '../scenario';

const pinger = user({ id: '1300000000000000011' });

function items(world: GateGuild, apps: readonly PendingApplication[]): DeferredItem[] {
  return apps.map((app) => ({
    payload: acceptPress(world, app),
    done: { method: 'PATCH', path: `/channels/${world.channels.review}/messages/${app.cardMessageId}` },
  }));
}

async function accepted(db: BenchD1, apps: readonly PendingApplication[]): Promise<number> {
  const ids = apps.map((a) => a.id);
  const row = await db.prepare(`SELECT COUNT(*) AS n FROM gate_applications WHERE id IN (${ids.join(',')}) AND status = 'accepted'`).first<{ n: number }>();
  return row?.n ?? 0;
}

async function onRig(ctx: ScenarioContext, rig: Rig, db: BenchD1, modes: Mode[], rounds: number, perRun: number, notes: string[]): Promise<DeferredRun[]> {
  const world = await seedGateGuild(db, rig.fakeDiscordUrl, 'Bench Gate');
  const warm = 100;
  const total = warm + modes.length * rounds * perRun;
  const seeding = Date.now();
  const apps = await seedPendingApplications(db, rig.fakeDiscordUrl, world, total);
  notes.push(`${rig.label}: seeded ${total} pending applications (members + cards on the fake, rows in D1) in ${((Date.now() - seeding) / 1000).toFixed(1)} s.`);
  const ping = () => slashCommand('ping', { guildId: world.guildId, user: pinger });

  // The path check: the first Accept must be a deferred update (type 6), not a refusal.
  const body = await probeOnce(ctx.keys, rig.target, acceptPress(world, apps[0]!));
  expectThat((body as { type?: number }).type === 6, 'deferred update (type 6) from Accept', body);
  // Warm-up (JIT, connections, D1): the rest of the warm-up applications, not measured.
  await runDeferred(ctx.keys, rig, { kind: 'closed', concurrency: 8 }, 0, items(world, apps.slice(1, warm)), ping, 30_000);

  const runs: DeferredRun[] = [];
  let next = warm;
  for (let round = 1; round <= rounds; round++) {
    for (const mode of modes) {
      const slice = apps.slice(next, next + perRun);
      next += perRun;
      const run = await runDeferred(ctx.keys, rig, mode, round, items(world, slice), ping, 60_000);
      const ok = await accepted(db, slice);
      if (ok !== slice.length) notes.push(`${rig.label} ${run.mode} round ${round}: only ${ok} of ${slice.length} applications ended accepted.`);
      console.error(`[bench] gate accept ${rig.label} ${run.mode} r${round}: 1st ${run.first.rps.toFixed(0)} req/s (ping ${run.ping.rps.toFixed(0)}), all done after ${(run.completedMs / 1000).toFixed(2)} s`);
      runs.push(run);
    }
  }
  await dropGateGuilds(db, [world.guildId]);
  return runs;
}

export default defineScenario({
  name: 'gate accept',
  description: 'Accept on a review card (each request a different pending application) next to /ping: first response and completed work',
  async run(ctx): Promise<CustomResult> {
    const quick = ctx.options.rounds < 2;
    const perRun = quick ? 300 : 600;
    const modes: Mode[] = [...ctx.options.concurrencies.map((c): Mode => ({ kind: 'closed', concurrency: c })), { kind: 'open', rate: ctx.options.rate }];
    const notes: string[] = [];
    const runs = await onRig(ctx, { label: 'stock fake (rate-limit headers)', target: ctx.bot.target, fakeDiscordUrl: ctx.fakeDiscordUrl }, ctx.bot.db, modes, ctx.options.rounds, perRun, notes);
    const control = await serveControlBot(ctx);
    try {
      runs.push(...(await onRig(ctx, { label: 'control (no rate-limit headers)', target: control.bot.target, fakeDiscordUrl: control.fakeDiscordUrl }, control.bot.db, modes, 1, perRun, notes)));
    } finally {
      await control.dispose();
    }
    notes.push(
      `Each run sends ${perRun} distinct requests once (closed loop at the concurrency, or open loop at the offered rate), after a /ping run of the same size and mode on the same bot. ` +
        '"1st response" is the HTTP answer Discord waits for (a deferred update); "all work done" runs from the first request sent to the last card edit recorded by the fake; ' +
        'CPU is the workerd process (bot isolate + local D1) from the start of the run to the end of the drain, divided by the requests, so it includes the background chain. ' +
        'The fake Discord runs in the load generator\'s Node process: both compete with workerd for the 2 shared cores.',
    );
    return { kind: 'custom', name: 'gate: Accept on a review card under load, next to /ping', rows: deferredRows(runs, 'Accept'), notes };
  },
});
