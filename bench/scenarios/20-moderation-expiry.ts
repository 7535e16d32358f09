/**
 * Issue 4 (moderation): the expiry job over 10,000 due punishments against the fake REST
 * (target: all done within one cron run's limits, reported per 1,000). Seeds 10 guilds × 1,000
 * due punishments (60 % temporary bans, 25 % mutes, 10 % suspensions, 5 % long timeouts to
 * renew), each with its original case, and fires the every-minute trigger (`* * * * *`)
 * through the served Worker's `scheduled` until nothing is due, as production would minute
 * after minute. The job claims at most 20 batches × 100 rows per run (`runExpiry` defaults),
 * so 10,000 rows take five runs by design; each run is timed (wall and workerd CPU) against
 * Cloudflare's cron limits (15 min wall, 30 s CPU by default, up to 5 min configurable).
 * The same runs on a control bot whose fake sends no rate-limit headers show how much of the
 * wall time is the REST client sleeping on the fake's emulated 50/s buckets.
 */
import { FakeDiscord } from '../../src/testing/fake-discord/client';
import { f, measure, serveControlBot } from '../lib/gate-bench-kit';
import { dropModGuilds, seedDuePunishments, seedModGuild, DUE_MIX } from '../lib/moderation-world';
import type { BenchD1, ServedWorker } from '../lib/workers';
import { defineScenario, type CustomResult } from '../scenario';

const CRON = '* * * * *';
const PER_RUN_LIMIT = 2000; // runExpiry: batchSize 100 × maxBatches 20
const CRON_WALL_S = 15 * 60;
const CRON_CPU_S = 30;

interface Rig {
  label: string;
  bot: ServedWorker & { db: BenchD1 };
  fakeDiscordUrl: string;
}

/** Rows handled (done, or a long timeout renewed and parked until its next renewal), due, and waiting to retry. */
async function counts(db: BenchD1): Promise<{ done: number; due: number; retrying: number }> {
  const row = await db
    .prepare(
      `SELECT SUM(status = 'done' OR (kind = 'timeout' AND status = 'pending' AND next_action_at > ?1 + 86400000)) AS done,
              SUM(status IN ('pending', 'processing') AND next_action_at <= ?1) AS due,
              SUM(status = 'pending' AND last_error IS NOT NULL) AS retrying
       FROM mod_punishments`,
    )
    .bind(Date.now())
    .first<{ done: number | null; due: number | null; retrying: number | null }>();
  return { done: row?.done ?? 0, due: row?.due ?? 0, retrying: row?.retrying ?? 0 };
}

async function onRig(rig: Rig, guilds: number, perGuild: number, maxRuns: number, notes: string[]): Promise<Record<string, string | number>[]> {
  const { db } = rig.bot;
  const worker = await rig.bot.mf.getWorker('bot');
  const fire = () => measure(rig.bot.target, () => worker.scheduled({ cron: CRON, scheduledTime: new Date() }));
  const rows: Record<string, string | number>[] = [];

  const idle = await fire();
  rows.push({ rig: rig.label, run: 'idle', rows: 0, 'wall s': f(idle.wallMs / 1000, 3), 'workerd CPU s': f(idle.cpuMs / 1000, 3), 'wall s / 1,000': '', 'CPU s / 1,000': '', 'REST calls': '', 'left due': '', retrying: '', outcome: idle.result.outcome });

  const seeding = Date.now();
  const ids: string[] = [];
  const tally: Record<string, number> = {};
  for (let g = 0; g < guilds; g++) {
    const world = await seedModGuild(db, rig.fakeDiscordUrl, `Bench Mod ${g}`);
    ids.push(world.guildId);
    for (const [k, n] of Object.entries(await seedDuePunishments(db, rig.fakeDiscordUrl, world, perGuild))) tally[k] = (tally[k] ?? 0) + n;
  }
  notes.push(`${rig.label}: seeded ${guilds * perGuild} due punishments in ${guilds} guilds (${Object.entries(tally).map(([k, n]) => `${k} ${n}`).join(', ')}) in ${((Date.now() - seeding) / 1000).toFixed(1)} s.`);
  const fake = await FakeDiscord.attach(rig.fakeDiscordUrl, 'default');
  await fake.clearCalls();

  let totalWall = 0;
  let totalCpu = 0;
  let before = await counts(db);
  for (let run = 1; run <= maxRuns && before.due > 0; run++) {
    const r = await fire();
    const after = await counts(db);
    const calls = (await fake.calls()).length;
    const violations = (await fake.violations()).length;
    await fake.clearCalls();
    const finished = after.done - before.done;
    totalWall += r.wallMs;
    totalCpu += r.cpuMs;
    rows.push({
      rig: rig.label,
      run,
      rows: finished,
      'wall s': f(r.wallMs / 1000, 2),
      'workerd CPU s': f(r.cpuMs / 1000, 2),
      'wall s / 1,000': f(r.wallMs / finished, 2),
      'CPU s / 1,000': f(r.cpuMs / finished, 2),
      'REST calls': calls + (violations ? ` (${violations} violations)` : ''),
      'left due': after.due,
      retrying: after.retrying,
      outcome: r.result.outcome,
    });
    console.error(`[bench] moderation expiry ${rig.label} run ${run}: ${finished} rows in ${(r.wallMs / 1000).toFixed(2)} s (CPU ${(r.cpuMs / 1000).toFixed(2)} s), ${after.due} left due`);
    before = after;
  }
  const all = before.done;
  rows.push({
    rig: rig.label,
    run: 'total',
    rows: all,
    'wall s': f(totalWall / 1000, 2),
    'workerd CPU s': f(totalCpu / 1000, 2),
    'wall s / 1,000': f(totalWall / all, 2),
    'CPU s / 1,000': f(totalCpu / all, 2),
    'REST calls': '',
    'left due': before.due,
    retrying: before.retrying,
    outcome: '',
  });
  // ms per row = s per 1,000 rows.
  const perThousandWall = totalWall / all;
  const perThousandCpu = totalCpu / all;
  notes.push(
    `${rig.label}: per run at most ${PER_RUN_LIMIT} rows → ${Math.ceil((guilds * perGuild) / PER_RUN_LIMIT)} runs (minutes) for ${guilds * perGuild}. ` +
      `At the measured ${f(perThousandWall, 2)} s wall and ${f(perThousandCpu, 2)} s workerd CPU per 1,000, a ${PER_RUN_LIMIT}-row run uses ` +
      `${f((perThousandWall * PER_RUN_LIMIT) / 1000, 1)} s of the ${CRON_WALL_S} s wall limit and about ${f((perThousandCpu * PER_RUN_LIMIT) / 1000, 1)} s of CPU ` +
      `(an upper bound for the Worker's own CPU: workerd's figure includes local D1's SQLite) against ${CRON_CPU_S} s by default; ` +
      `one run could take about ${f(Math.min((CRON_WALL_S * 1000) / perThousandWall, (CRON_CPU_S * 1000) / perThousandCpu), 0)} rows before the first of those limits.`,
  );
  await dropModGuilds(db, ids);
  return rows;
}

export default defineScenario({
  name: 'moderation expiry',
  description: 'expiry cron (* * * * *) over 10,000 due punishments (bans, mutes, suspensions, long timeouts) in 10 guilds',
  async run(ctx): Promise<CustomResult> {
    const quick = ctx.options.rounds < 2;
    const guilds = 10;
    const perGuild = quick ? 300 : 1000;
    const notes: string[] = [`Mix per 20 rows in due order: ${DUE_MIX.map((m) => `${m.kind} ${Math.round(m.share * 20)}`).join(', ')}.`];
    const rows = await onRig({ label: 'stock fake (rate-limit headers)', bot: ctx.bot, fakeDiscordUrl: ctx.fakeDiscordUrl }, guilds, perGuild, 12, notes);
    const control = await serveControlBot(ctx);
    try {
      // 3,000 rows are enough for per-1,000 figures and keep the whole benchmark inside its 10-minute watchdog.
      rows.push(...(await onRig({ label: 'control (no rate-limit headers)', bot: control.bot, fakeDiscordUrl: control.fakeDiscordUrl }, 3, perGuild, 12, notes)));
    } finally {
      await control.dispose();
    }
    notes.push(
      'Runs are fired back to back (production fires one a minute; a run never overlaps the next here). "wall s" is `scheduled()` from Node to completion: the whole trigger ' +
        '(expiry + stale alerts + gateway keep-alive; the idle row is those with nothing due). "REST calls" counts the calls the fake recorded during the run.',
    );
    return { kind: 'custom', name: 'moderation: expiry job over due punishments (cron * * * * *)', rows, notes };
  },
});
