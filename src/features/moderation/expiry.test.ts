import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../db/client';
import { GuildCases } from './cases.repo';
import { modWorld, type ModWorld, type Person } from './moderation.fixture';
import { PunishmentQueue } from './punishments.repo';
import { modPunishments } from './schema';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let w: ModWorld;
let target: Person;
let t0: number;
const at = (ms: number) => vi.setSystemTime(ms);
const unbans = () => w.fake.calls({ method: 'DELETE', route: '/guilds/{guild_id}/bans/{user_id}' });
const punishment = async (userId: string) => {
  const [row] = await getDb(w.env)
    .select()
    .from(modPunishments)
    .where(and(eq(modPunishments.guildId, w.g.guildId), eq(modPunishments.targetId, userId)));
  return row;
};

beforeEach(async () => {
  w = await modWorld();
  target = await w.member();
  t0 = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  at(t0);
});
afterEach(async () => {
  vi.useRealTimers();
  await w.fake.assertNoViolations();
});

describe('expiry cron', () => {
  it('unbans a timed ban once it is due, with its own case and mod-log post; a second run does nothing', async () => {
    await w.run(w.moderator, 'ban', { member: { user: target.user.id }, reason: 'raid', duration: '1h' });
    at(t0 + 30 * 60_000);
    await w.cron();
    expect(await unbans()).toHaveLength(0);
    at(t0 + 2 * HOUR);
    await w.cron();
    expect(await unbans()).toHaveLength(1);
    expect(await w.fake.bans(w.g.guildId)).toHaveLength(0);
    const auto = await new GuildCases(getDb(w.env), w.g.guildId).byNumber(2);
    expect(auto).toMatchObject({ type: 'unban', actorId: w.g.botUserId, reason: 'Temporary ban expired (case #1)', refs: [1] });
    expect((await w.modLog()).map((m) => m.embeds[0]!.title)).toEqual(['Case #1 · Ban', 'Case #2 · Unban']);
    expect((await punishment(target.user.id))?.status).toBe('done');
    await w.cron();
    at(t0 + 3 * HOUR);
    await w.cron();
    expect(await unbans()).toHaveLength(1);
    expect(await w.modLog()).toHaveLength(2);
  });

  it('a failed unban stays due, shows in /case show, and is retried after the backoff', async () => {
    await w.run(w.moderator, 'ban', { member: { user: target.user.id }, reason: 'raid', duration: '1h' });
    at(t0 + 2 * HOUR);
    await w.fake.failNext({ method: 'DELETE', route: '/guilds/{guild_id}/bans/{user_id}', status: 403, code: 50013 });
    await w.cron();
    expect(await unbans()).toHaveLength(1);
    expect(await w.fake.bans(w.g.guildId)).toHaveLength(1);
    const failed = await punishment(target.user.id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, nextActionAt: t0 + 2 * HOUR + 60_000 });
    expect(failed?.lastError).toContain('50013');
    const show = await w.run(w.helper, 'case', { number: 1 }, 'show');
    const expiry = show.message?.embeds?.[0]?.fields?.find((f) => f.name === 'Expiry')?.value;
    expect(expiry).toContain('last attempt failed (1 attempt)');
    expect(expiry).toContain('50013');
    expect(expiry).toContain('next attempt');
    // Still inside the backoff: nothing happens.
    await w.cron();
    expect(await unbans()).toHaveLength(1);
    at(t0 + 2 * HOUR + 61_000);
    await w.cron();
    expect(await unbans()).toHaveLength(2);
    expect(await w.fake.bans(w.g.guildId)).toHaveLength(0);
    expect(await punishment(target.user.id)).toMatchObject({ status: 'done', attempts: 2 });
    expect((await w.modLog()).map((m) => m.embeds[0]!.title)).toEqual(['Case #1 · Ban', 'Case #2 · Unban']);
  });

  it('two overlapping runs never act or post twice', async () => {
    const others = [target, await w.member(), await w.member(), await w.member()];
    for (const p of others) await w.run(w.moderator, 'ban', { member: { user: p.user.id }, reason: 'wave', duration: '1h' });
    await w.fake.setLatency(150, { method: 'DELETE', route: '/guilds/{guild_id}/bans/{user_id}' });
    at(t0 + 2 * HOUR);
    await Promise.all([w.cron(), w.cron(), w.cron()]);
    const calls = await unbans();
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.path)).size).toBe(4);
    const titles = (await w.modLog()).map((m) => m.embeds[0]!.title);
    expect(titles.filter((t) => t?.endsWith('Unban'))).toHaveLength(4);
    expect(titles).toHaveLength(8);
  });

  it('a manual /unban cancels the pending expiry', async () => {
    await w.run(w.moderator, 'ban', { member: { user: target.user.id }, reason: 'raid', duration: '1h' });
    await w.run(w.moderator, 'unban', { user: { user: target.user.id }, reason: 'appeal accepted' });
    at(t0 + 2 * HOUR);
    await w.cron();
    expect(await unbans()).toHaveLength(1);
    expect((await punishment(target.user.id))?.status).toBe('cancelled');
    expect(await w.modLog()).toHaveLength(2);
  });

  it('someone unbanned by hand in Discord is finished quietly', async () => {
    await w.run(w.moderator, 'ban', { member: { user: target.user.id }, reason: 'raid', duration: '1h' });
    await w.fake.failNext({ method: 'DELETE', route: '/guilds/{guild_id}/bans/{user_id}', status: 404, code: 10026 });
    at(t0 + 2 * HOUR);
    await w.cron();
    expect(await punishment(target.user.id)).toMatchObject({ status: 'done', lastError: 'They were already unbanned.' });
    expect(await w.modLog()).toHaveLength(1);
  });

  it('ends a timed mute and a timed suspension (roles restored)', async () => {
    await w.run(w.admin, 'modconfig', { muted_role: { role: w.g.roles.Muted! }, suspended_role: { role: w.g.roles.Suspended! } }, 'roles');
    const other = await w.member({ roles: ['Members', 'Helpers'] });
    await w.run(w.moderator, 'mute', { member: { user: target.user.id }, reason: 'noise', duration: '10m' });
    await w.run(w.admin, 'suspend', { member: { user: other.user.id }, reason: 'cool off', duration: '1d' });
    expect((await w.fake.member(w.g.guildId, other.user.id))?.roles).toEqual([w.g.roles.Suspended]);
    at(t0 + 20 * 60_000);
    await w.cron();
    expect((await w.fake.member(w.g.guildId, target.user.id))?.roles).not.toContain(w.g.roles.Muted);
    expect((await w.fake.member(w.g.guildId, other.user.id))?.roles).toEqual([w.g.roles.Suspended]);
    at(t0 + 2 * DAY);
    await w.cron();
    expect(new Set((await w.fake.member(w.g.guildId, other.user.id))?.roles)).toEqual(new Set([w.g.roles.Members, w.g.roles.Helpers]));
    expect((await w.modLog()).map((m) => m.embeds[0]!.title)).toEqual([
      'Case #1 · Mute',
      'Case #2 · Suspension',
      'Case #3 · Unmute',
      'Case #4 · Suspension lifted',
    ]);
  });

  it('renews a timeout longer than 28 days until its real end', async () => {
    // The fake Discord checks the 28-day cap against its own (real) clock, so the command is
    // issued 27 days "ago" and the renewal happens "now".
    const issued = t0 - 27 * DAY;
    at(issued);
    await w.run(w.moderator, 'timeout', { member: { user: target.user.id }, duration: '80d', reason: 'long' });
    const first = await punishment(target.user.id);
    expect(first?.endsAt).toBe(issued + 80 * DAY);
    at(first!.nextActionAt!);
    await w.cron();
    const patches = await w.fake.calls({ method: 'PATCH', route: '/guilds/{guild_id}/members/{user_id}' });
    expect(patches).toHaveLength(2);
    const renewedUntil = Date.parse((patches[1]!.body as { communication_disabled_until: string }).communication_disabled_until);
    expect(renewedUntil).toBe(first!.nextActionAt! + 28 * DAY - 60_000);
    const second = await punishment(target.user.id);
    expect(second).toMatchObject({ status: 'pending', attempts: 0, nextActionAt: renewedUntil - DAY });
    // Renewals are not cases.
    expect(await w.modLog()).toHaveLength(1);
  });

  it('a run whose lease lapsed cannot finish or post: the run that took the row over owns it', async () => {
    await w.run(w.moderator, 'ban', { member: { user: target.user.id }, reason: 'raid', duration: '1h' });
    const db = getDb(w.env);
    const queue = new PunishmentQueue(db);
    const now = t0 + 2 * HOUR;
    const stale = await queue.claim({ now, limit: 10, leaseMs: 60_000 });
    expect(stale.rows).toHaveLength(1);
    expect((await queue.claim({ now: now + 30_000, limit: 10, leaseMs: 60_000 })).rows).toHaveLength(0);
    const fresh = await queue.claim({ now: now + 61_000, limit: 10, leaseMs: 60_000 });
    expect(fresh.rows.map((r) => r.id)).toEqual(stale.rows.map((r) => r.id));
    const id = stale.rows[0]!.id;
    const repo = new GuildCases(db, w.g.guildId);
    const input = { type: 'unban' as const, actorId: w.g.botUserId, targetId: target.user.id, reason: 'expired' };
    expect(await repo.createIf(input, { before: [queue.complete(id, stale.token)], guard: queue.completedBy(id, stale.token) })).toBeNull();
    expect(await repo.createIf(input, { before: [queue.complete(id, fresh.token)], guard: queue.completedBy(id, fresh.token) })).toMatchObject({ caseNumber: 2 });
    expect(await punishment(target.user.id)).toMatchObject({ status: 'done', attempts: 2 });
  });
});
