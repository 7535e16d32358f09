/**
 * Issue 10 item 2 (subrequest budgets) over issue 4's expiry backlog: the every-minute cron
 * (`* * * * *`: expiry, stale alerts, gateway keep-alive in one invocation) over a backlog of
 * 5,000 due punishments (5 guilds × 1,000: 60 % temporary bans, 25 % mutes, 10 % suspensions,
 * 5 % long timeouts to renew) and 500 stale applications (250 guilds × one waiting 25 h and
 * one 73 h: 500 alerts, the worst case), at the default budget (`SUBREQUEST_BUDGET=paid`,
 * 800 of the paid plan's 1,000). The trigger is fired through the served Worker's
 * `scheduled` until nothing is due, as production would minute after minute. Per run it
 * prints each job's own count (its `cron run` log line: `used` of `budget`, rows claimed,
 * done, released) and the REST calls the fake recorded; each run is timed (wall and workerd
 * CPU) against Cloudflare's cron limits (15 min wall, 30 s CPU by default). The same runs on a
 * control bot whose fake sends no rate-limit headers show how much of the wall time is the
 * REST client sleeping on the fake's emulated 50/s buckets.
 */
import { FakeDiscord } from '../../src/testing/fake-discord/client';
import { f, insertRows, measure, serveControlBot } from '../lib/gate-bench-kit';
import { dropModGuilds, seedDuePunishments, seedModGuild, DUE_MIX } from '../lib/moderation-world';
import type { BenchD1, ServedWorker } from '../lib/workers';
import { defineScenario, type CustomResult } from '../scenario';

const CRON = '* * * * *';
const CRON_WALL_S = 15 * 60;
const CRON_CPU_S = 30;
const HOUR = 3_600_000;
/** `SUBREQUEST_BUDGET=paid`, what wrangler.toml sets (a job's logged budget is its share plus what it borrowed). */
const BUDGET = 800;

interface Rig {
  label: string;
  bot: ServedWorker & { db: BenchD1 };
  fakeDiscordUrl: string;
}

interface JobLine {
  msg: string;
  job: string;
  budget: number;
  used: number;
  claimed?: number;
  done?: number;
  left?: number;
}

/** Rows handled (done, or a long timeout renewed and parked until its next renewal), due, and waiting to retry. */
async function counts(db: BenchD1): Promise<{ done: number; due: number; retrying: number; alertsOwed: number }> {
  const now = Date.now();
  const row = await db
    .prepare(
      `SELECT SUM(status = 'done' OR (kind = 'timeout' AND status = 'pending' AND next_action_at > ?1 + 86400000)) AS done,
              SUM(status IN ('pending', 'processing') AND next_action_at <= ?1) AS due,
              SUM(status = 'pending' AND last_error IS NOT NULL) AS retrying
       FROM mod_punishments`,
    )
    .bind(now)
    .first<{ done: number | null; due: number | null; retrying: number | null }>();
  const alerts = await db
    .prepare(`SELECT COUNT(*) AS owed FROM gate_applications WHERE status = 'pending' AND alerts_sent < (CASE WHEN submitted_at <= ?1 - 259200000 THEN 3 ELSE 1 END)`)
    .bind(now)
    .first<{ owed: number }>();
  return { done: row?.done ?? 0, due: row?.due ?? 0, retrying: row?.retrying ?? 0, alertsOwed: alerts?.owed ?? 0 };
}

/** `guilds` guilds on the fake with a review channel mapped, each with one application waiting 25 h and one 73 h. */
async function seedStale(db: BenchD1, fakeDiscordUrl: string, guilds: number): Promise<string[]> {
  const fake = await FakeDiscord.attach(fakeDiscordUrl, 'default');
  const now = Date.now();
  const ids: string[] = [];
  const channels: (string | number | null)[][] = [];
  const applications: (string | number | null)[][] = [];
  for (let i = 0; i < guilds; i++) {
    const g = await fake.seedGuild({ name: `Bench Stale ${i}`, channels: [{ name: 'review' }] });
    ids.push(g.guildId);
    channels.push([g.guildId, 'review', g.channels.review!]);
    for (const hours of [25, 73]) applications.push([g.guildId, `${g.guildId.slice(0, -2)}${hours}`, `applicant${i}`, 'pending', '[]', now - 400 * 24 * HOUR, 0, now - hours * HOUR - i]);
  }
  await insertRows(db, 'guild_channels', ['guild_id', 'purpose', 'channel_id'], channels);
  await insertRows(db, 'gate_applications', ['guild_id', 'user_id', 'user_tag', 'status', 'answers', 'account_created_at', 'young_account', 'submitted_at'], applications);
  return ids;
}

async function onRig(rig: Rig, guilds: number, perGuild: number, staleGuilds: number, maxRuns: number, notes: string[]): Promise<Record<string, string | number>[]> {
  const { db } = rig.bot;
  const worker = await rig.bot.mf.getWorker('bot');
  const lines: JobLine[] = [];
  const stop = rig.bot.onLog((message) => {
    if (!message.startsWith('{"msg":"cron run"')) return;
    try {
      lines.push(JSON.parse(message) as JobLine);
    } catch {
      // not one of ours
    }
  });
  const fire = () => measure(rig.bot.target, () => worker.scheduled({ cron: CRON, scheduledTime: new Date() }));
  const rows: Record<string, string | number>[] = [];
  const job = (name: string) => lines.find((l) => l.job === name);

  const seeding = Date.now();
  const ids: string[] = [];
  const tally: Record<string, number> = {};
  for (let g = 0; g < guilds; g++) {
    const world = await seedModGuild(db, rig.fakeDiscordUrl, `Bench Mod ${g}`);
    ids.push(world.guildId);
    for (const [k, n] of Object.entries(await seedDuePunishments(db, rig.fakeDiscordUrl, world, perGuild))) tally[k] = (tally[k] ?? 0) + n;
  }
  const staleIds = staleGuilds > 0 ? await seedStale(db, rig.fakeDiscordUrl, staleGuilds) : [];
  notes.push(
    `${rig.label}: seeded ${guilds * perGuild} due punishments in ${guilds} guilds (${Object.entries(tally).map(([k, n]) => `${k} ${n}`).join(', ')})` +
      `${staleGuilds ? ` and ${staleGuilds * 2} stale applications in ${staleGuilds} guilds` : ''} in ${((Date.now() - seeding) / 1000).toFixed(1)} s.`,
  );
  const fake = await FakeDiscord.attach(rig.fakeDiscordUrl, 'default');
  await fake.clearCalls();

  let totalWall = 0;
  let totalCpu = 0;
  let maxUsed = 0;
  let before = await counts(db);
  let run = 0;
  for (run = 1; run <= maxRuns && (before.due > 0 || before.alertsOwed > 0); run++) {
    lines.length = 0;
    const r = await fire();
    const after = await counts(db);
    const calls = (await fake.calls()).length;
    const violations = (await fake.violations()).length;
    await fake.clearCalls();
    const finished = after.done - before.done;
    totalWall += r.wallMs;
    totalCpu += r.cpuMs;
    const expiry = job('moderation.expire-punishments');
    const stale = job('gate.stale-alerts');
    const used = lines.reduce((n, l) => n + l.used, 0);
    maxUsed = Math.max(maxUsed, used);
    rows.push({
      rig: rig.label,
      run,
      'expiry rows': finished,
      'expiry used/budget': expiry ? `${expiry.used}/${expiry.budget}` : '',
      released: expiry?.left ?? 0,
      alerts: stale ? `${stale.done ?? 0} apps` : '',
      'alerts used/budget': stale ? `${stale.used}/${stale.budget}` : '',
      'run used': used,
      'REST calls': calls + (violations ? ` (${violations} violations)` : ''),
      'wall s': f(r.wallMs / 1000, 2),
      'workerd CPU s': f(r.cpuMs / 1000, 2),
      'left due': after.due,
      'alerts owed': after.alertsOwed,
      outcome: r.result.outcome,
    });
    console.error(
      `[bench] cron budget ${rig.label} run ${run}: ${finished} expiry rows (${expiry?.used ?? 0} subrequests), ${stale?.done ?? 0} stale apps (${stale?.used ?? 0}); run used ${used}; ${after.due} due, ${after.alertsOwed} alerts owed`,
    );
    before = after;
  }
  stop();
  const all = before.done;
  rows.push({
    rig: rig.label,
    run: 'total',
    'expiry rows': all,
    'expiry used/budget': '',
    released: '',
    alerts: '',
    'alerts used/budget': '',
    'run used': `max ${maxUsed}`,
    'REST calls': '',
    'wall s': f(totalWall / 1000, 2),
    'workerd CPU s': f(totalCpu / 1000, 2),
    'left due': before.due,
    'alerts owed': before.alertsOwed,
    outcome: '',
  });
  const runs = run - 1;
  notes.push(
    `${rig.label}: ${all} rows and ${staleGuilds * 2 - before.alertsOwed} stale applications done in ${runs} runs (minutes) at the default budget (SUBREQUEST_BUDGET=paid: ${BUDGET} subrequests per invocation); ` +
      `the most any run used was ${maxUsed} (${(all / Math.max(1, runs)).toFixed(0)} expiry rows per run on average). ` +
      `Slowest run ${f(Math.max(...rows.filter((r) => typeof r.run === 'number').map((r) => Number(r['wall s']))), 2)} s wall of the ${CRON_WALL_S} s limit; ` +
      `CPU per run at most ${f(Math.max(...rows.filter((r) => typeof r.run === 'number').map((r) => Number(r['workerd CPU s']))), 2)} s (an upper bound for the Worker's own CPU: workerd's figure includes local D1's SQLite) against ${CRON_CPU_S} s.`,
  );
  await dropModGuilds(db, [...ids, ...staleIds]);
  await db.prepare(`DELETE FROM gate_applications WHERE guild_id IN (${staleIds.map((id) => `'${id}'`).join(', ') || "''"})`).run();
  return rows;
}

export default defineScenario({
  name: 'moderation expiry',
  description: 'every-minute cron (* * * * *) at the default subrequest budget over 5,000 due punishments in 5 guilds and 500 stale applications in 250 guilds',
  async run(ctx): Promise<CustomResult> {
    const quick = ctx.options.rounds < 2;
    const guilds = 5;
    const perGuild = quick ? 300 : 1000;
    const staleGuilds = quick ? 50 : 250;
    const notes: string[] = [`Mix per 20 rows in due order: ${DUE_MIX.map((m) => `${m.kind} ${Math.round(m.share * 20)}`).join(', ')}.`];
    const rows = await onRig({ label: 'stock fake (rate-limit headers)', bot: ctx.bot, fakeDiscordUrl: ctx.fakeDiscordUrl }, guilds, perGuild, staleGuilds, 80, notes);
    const control = await serveControlBot(ctx);
    try {
      // 1,000 rows are enough for per-run figures and keep the whole benchmark inside its watchdog.
      rows.push(...(await onRig({ label: 'control (no rate-limit headers)', bot: control.bot, fakeDiscordUrl: control.fakeDiscordUrl }, 1, quick ? 300 : 1000, 0, 20, notes)));
    } finally {
      await control.dispose();
    }
    notes.push(
      'Runs are fired back to back (production fires one a minute; a run never overlaps the next here). "wall s" is `scheduled()` from Node to completion: the whole trigger ' +
        '(expiry + stale alerts + gateway keep-alive). "used/budget" is each job\'s own count (D1 statements and batches, REST requests incl. retries) against its share plus what it borrowed; ' +
        '"run used" sums the jobs (keep-alive reads its shard rows and wakes its Durable Objects outside the budget: a query and one call per shard). "REST calls" counts the calls the fake recorded during the run.',
    );
    return { kind: 'custom', name: 'moderation + gate: every-minute cron at the subrequest budget (cron * * * * *)', rows, notes };
  },
});
