/**
 * Durable intent: a moderation case is written before its Discord call, so a database
 * failure after the call, or a call whose outcome is unknown, loses nothing. The reconcile
 * cron settles what was left pending, and two overlapping runs never act twice.
 */
import { env as baseEnv } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../db/client';
import { FaultyD1 } from '../../testing/faulty-d1';
import { GuildCases } from './cases.repo';
import { modWorld, type ModWorld, type Person } from './moderation.fixture';
import { modPunishments } from './schema';

const MIN = 60_000;
const BAN = { method: 'PUT', route: '/guilds/{guild_id}/bans/{user_id}' };
const UNBAN = { method: 'DELETE', route: '/guilds/{guild_id}/bans/{user_id}' };
/** Any write to the moderation tables. */
const MOD_WRITE = /^(insert into|update) "mod_(cases|punishments)"/i;

let w: ModWorld;
let faulty: FaultyD1;
let target: Person;
let t0: number;
const at = (ms: number) => vi.setSystemTime(ms);
const caseNo = (n: number) => new GuildCases(getDb(w.env), w.g.guildId).byNumber(n);
const punishment = async () => {
  const [row] = await getDb(w.env)
    .select()
    .from(modPunishments)
    .where(and(eq(modPunishments.guildId, w.g.guildId), eq(modPunishments.targetId, target.user.id)));
  return row;
};
const titles = async () => (await w.modLog()).map((m) => m.embeds[0]?.title);

beforeEach(async () => {
  faulty = new FaultyD1(baseEnv.DB);
  w = await modWorld({ env: { DB: faulty.binding } });
  target = await w.member();
  t0 = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  at(t0);
});
afterEach(async () => {
  vi.useRealTimers();
  await w.fake.clearFailures();
  await w.fake.assertNoViolations();
});

describe('durable intent', () => {
  it('a D1 failure after the ban leaves a pending case: the reconcile cron confirms it, posts it, and the timed ban still ends on time', async () => {
    // The first moderation write after Discord has seen the ban fails, whatever the code writes then.
    faulty.failNext({ match: MOD_WRITE, when: async () => (await w.fake.calls(BAN)).length > 0 });
    const out = await w.run(w.moderator, 'ban', { member: { user: target.user.id }, reason: 'raid', duration: '10m' });
    expect(faulty.failed).toHaveLength(1);
    expect(await w.fake.bans(w.g.guildId)).toHaveLength(1);
    // The reply stays true: they are banned, and the record follows.
    expect(out.content).toContain('**Case #1**: banned');
    expect(out.content).toContain('case #1 is confirmed and posted to the mod log within a few minutes');
    expect(await caseNo(1)).toMatchObject({ type: 'ban', state: 'pending', action: { op: 'ban', deleteMessageSeconds: 0 } });
    expect((await punishment())?.status).toBe('held');

    // Inside the grace period the reconcile job leaves it to the request.
    at(t0 + MIN);
    await w.cron();
    expect((await caseNo(1))?.state).toBe('pending');
    // Past it: Discord shows the ban, so the case is confirmed (not repeated) and posted.
    at(t0 + 3 * MIN);
    await w.cron();
    expect(await caseNo(1)).toMatchObject({ state: 'done', attempts: 1 });
    expect(await w.fake.calls(BAN)).toHaveLength(1);
    expect(await titles()).toEqual(['Case #1 · Ban']);
    expect(await punishment()).toMatchObject({ status: 'pending', endsAt: t0 + 10 * MIN });

    at(t0 + 10 * MIN + 1_000);
    await w.cron();
    expect(await w.fake.bans(w.g.guildId)).toHaveLength(0);
    expect(await w.fake.calls(UNBAN)).toHaveLength(1);
    expect(await titles()).toEqual(['Case #1 · Ban', 'Case #2 · Unban']);
  });

  it('a D1 failure after a suspension: the roles are still saved and come back when it ends', async () => {
    await w.run(w.owner, 'modconfig', { suspended_role: { role: w.g.roles.Suspended! } }, 'roles');
    const edits = () => w.fake.calls({ method: 'PATCH', route: '/guilds/{guild_id}/members/{user_id}' });
    faulty.failNext({ match: MOD_WRITE, when: async () => (await edits()).length > 0 });
    const out = await w.run(w.moderator, 'suspend', { member: { user: target.user.id }, reason: 'cool off', duration: '5m' });
    expect(out.content).toContain('**Case #1**: suspended');
    expect((await w.fake.member(w.g.guildId, target.user.id))?.roles).toEqual([w.g.roles.Suspended]);
    at(t0 + 3 * MIN);
    await w.cron();
    expect((await caseNo(1))?.state).toBe('done');
    at(t0 + 6 * MIN);
    await w.cron();
    expect((await w.fake.member(w.g.guildId, target.user.id))?.roles).toEqual([w.g.roles.Members]);
    expect(await titles()).toEqual(['Case #1 · Suspension', 'Case #2 · Suspension lifted']);
  });

  it('a 5xx on the ban: the moderator is told it is pending; the cron repeats it once, even with two overlapping runs', async () => {
    await w.fake.failNext({ ...BAN, status: 500, times: 5 });
    const out = await w.run(w.moderator, 'ban', { member: { user: target.user.id }, reason: 'raid' });
    expect(out.content).toContain('case #1 is pending');
    await w.fake.clearFailures();
    expect(await w.fake.bans(w.g.guildId)).toHaveLength(0);
    const before = (await w.fake.calls(BAN)).length;

    at(t0 + 3 * MIN);
    // Slow reads keep both runs in flight together: the lease lets only one of them hold the case.
    await w.fake.setLatency(300, { route: '/guilds/{guild_id}/bans/{user_id}', method: 'GET' });
    await Promise.all([w.cron(), w.cron()]);
    await w.fake.setLatency(0);
    expect((await w.fake.calls(BAN)).length - before).toBe(1);
    expect(await w.fake.bans(w.g.guildId)).toHaveLength(1);
    expect(await caseNo(1)).toMatchObject({ state: 'done', attempts: 1 });
    expect(await titles()).toEqual(['Case #1 · Ban']);
    await w.cron();
    expect((await w.fake.calls(BAN)).length - before).toBe(1);
  });

  it('a pending case that Discord refuses on retry is marked failed and the mod log is told', async () => {
    await w.fake.failNext({ ...BAN, status: 500, times: 5 });
    await w.run(w.moderator, 'ban', { member: { user: target.user.id }, reason: 'raid', duration: '1h' });
    await w.fake.clearFailures();
    await w.fake.failNext({ ...BAN, status: 403, code: 50013 });
    at(t0 + 3 * MIN);
    await w.cron();
    const row = await caseNo(1);
    expect(row).toMatchObject({ state: 'failed' });
    expect(row?.lastError).toContain('50013');
    expect((await punishment())?.status).toBe('cancelled');
    const [logged] = await w.modLog();
    expect(logged?.embeds[0]?.title).toBe('[failed] Case #1 · Ban');
    expect(logged?.embeds[0]?.fields?.find((f) => f.name === 'Status')?.value).toContain('Failed: the action did not happen');
    const show = await w.run(w.helper, 'case', { number: 1 }, 'show');
    expect(show.message?.embeds?.[0]?.title).toBe('[failed] Case #1 · Ban');
  });
});
