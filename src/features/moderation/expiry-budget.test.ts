import { createScheduledController } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Registry } from '../../core/registry';
import { runCrons } from '../../core/scheduler';
import { getDb } from '../../db/client';
import { meterD1, metered, type InvocationCost } from '../../testing/metered';
import { moderation } from './index';
import { modWorld } from './moderation.fixture';
import { modCases, modPunishments } from './schema';

const BUDGET = 40;

type World = Awaited<ReturnType<typeof modWorld>>;
interface Place {
  guildId: string;
  roles: Record<string, string>;
}

/**
 * Seeds due punishments, each with its original case: `mutes` in the world's guild and one
 * suspension in each of `suspendGuilds` more guilds (a suspension also looks its guild up,
 * so these cost the most), interleaved by due time so a claim sized for the common row meets
 * them mid-run.
 */
async function seedDue(w: World, mutes: number, suspendGuilds: number) {
  const db = getDb(w.env);
  const now = Date.now();
  const home: Place = { guildId: w.g.guildId, roles: w.g.roles as Record<string, string> };
  const others: Place[] = [];
  for (let i = 0; i < suspendGuilds; i++) {
    const g = await w.fake.seedGuild({ name: `Other ${i}`, roles: [{ name: 'Members', position: 1 }, { name: 'Suspended', position: 2 }], botRolePosition: 10 });
    others.push({ guildId: g.guildId, roles: g.roles as Record<string, string> });
  }
  const every = Math.max(2, Math.floor((mutes + suspendGuilds) / Math.max(1, suspendGuilds)));
  const plan: { place: Place; kind: 'mute' | 'suspend' }[] = [];
  let m = 0;
  let sIdx = 0;
  while (m < mutes || sIdx < suspendGuilds) {
    const suspendTurn = sIdx < suspendGuilds && (m >= mutes || plan.length % every === every - 1);
    if (suspendTurn) plan.push({ place: others[sIdx++]!, kind: 'suspend' });
    else (m++, plan.push({ place: home, kind: 'mute' }));
  }
  const seeded: { guildId: string; userId: string; roleId: string }[] = [];
  for (const [i, { place, kind }] of plan.entries()) {
    const role = kind === 'mute' ? place.roles.Muted! : place.roles.Suspended!;
    const userId = await w.fake.addMember(place.guildId, { roles: [role] });
    seeded.push({ guildId: place.guildId, userId, roleId: role });
    const caseId = crypto.randomUUID();
    await db.batch([
      db.insert(modCases).values({
        id: caseId,
        guildId: place.guildId,
        caseNumber: i + 1,
        type: kind,
        actorId: w.moderator.user.id,
        targetId: userId,
        reason: `backlog ${i}`,
        durationMs: 3_600_000,
        expiresAt: now - 60_000,
        createdAt: now - 3_600_000,
        updatedAt: now - 3_600_000,
      }),
      db.insert(modPunishments).values({
        guildId: place.guildId,
        caseId,
        kind,
        targetId: userId,
        endsAt: now - 60_000 + i,
        nextActionAt: now - 60_000 + i,
        status: 'pending',
        roleId: role,
        restoreRoles: kind === 'suspend' ? [place.roles.Members!] : null,
        createdAt: now - 3_600_000,
        updatedAt: now - 3_600_000,
      }),
    ]);
  }
  return { seeded, guildIds: [home.guildId, ...others.map((o) => o.guildId)] };
}

afterEach(() => vi.restoreAllMocks());

describe('expiry within the subrequest budget', () => {
  it('works off a backlog larger than one run: every run within budget, every row once, released rows taken next run', async () => {
    const w = await modWorld();
    const { seeded, guildIds } = await seedDue(w, 8, 16);
    const meter = meterD1({ ...w.env, SUBREQUEST_BUDGET: String(BUDGET) });
    // Only the job under test, so the invocation's subrequests are its own (the feature has other every-minute jobs).
    const registry = new Registry([{ ...moderation, crons: moderation.crons!.filter((c) => c.name === 'expire-punishments') }]);
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(JSON.parse(String(line)) as Record<string, unknown>));

    const db = getDb(w.env);
    const ours = inArray(modPunishments.guildId, guildIds);
    const due = async () => (await db.select().from(modPunishments).where(ours)).filter((r) => r.status !== 'done').length;
    const runs: (InvocationCost & { left: number })[] = [];
    while ((await due()) > 0 && runs.length < 20) {
      const cost = await metered(meter, w.fake, (env, ctx) => runCrons(registry, createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env, ctx));
      runs.push({ ...cost, left: await due() });
    }
    const reports = lines.filter((l) => l.msg === 'cron run' && l.job === 'moderation.expire-punishments');
    console.info(
      `expiry, ${seeded.length} rows at budget ${BUDGET}: ${runs.length} runs; per run (D1 + REST = total, rows still due; released): ` +
        runs.map((r, i) => `${r.d1}+${r.rest}=${r.total} (${r.left}; ${reports[i]?.left})`).join(', '),
    );

    expect(runs.length).toBeGreaterThan(1);
    expect(await due()).toBe(0);
    for (const run of runs) expect(run.total).toBeLessThanOrEqual(BUDGET);
    // The bot's own count agrees with the platform's.
    expect(reports.map((r) => r.used)).toEqual(runs.map((r) => r.total));
    // Claims sized for mutes met suspensions that did not fit: those were released, and taken by the next run.
    expect(reports.some((r) => (r.left as number) > 0)).toBe(true);
    const rows = await db.select().from(modPunishments).where(ours);
    // None twice: one attempt each (a release gives its attempt back), one "ended" case each, one role removal each.
    expect(rows.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
    const cases = await db.select().from(modCases).where(inArray(modCases.guildId, guildIds));
    expect(cases.filter((c) => c.type === 'unmute' || c.type === 'unsuspend')).toHaveLength(seeded.length);
    const calls = runs.flatMap((r) => r.calls);
    const acted = calls.filter((c) => (c.method === 'DELETE' && c.route === '/guilds/{guild_id}/members/{user_id}/roles/{role_id}') || (c.method === 'PATCH' && c.route === '/guilds/{guild_id}/members/{user_id}'));
    expect(acted.map((c) => c.params.user_id).sort()).toEqual(seeded.map((s) => s.userId).sort());
    for (const { guildId, userId, roleId } of seeded) {
      const member = await w.fake.member(guildId, userId);
      expect(member?.roles).not.toContain(roleId);
    }
    expect(await w.modLog()).toHaveLength(8);
    await w.fake.assertNoViolations();
  }, 60_000);
});
