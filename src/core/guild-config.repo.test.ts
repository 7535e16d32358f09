import { env } from 'cloudflare:test';
import { and, desc, eq, sql } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb, openLibsql, type Db } from '../db/client';
import { snowflake } from '../testing/snowflake';
import { sqldSkip, sqldTitle } from '../testing/sqld';
import { logCommand } from './command-log';
import { takeCooldown } from './cooldowns';
import { GuildConfig, SNAPSHOT_TTL_MS } from './guild-config.repo';
import { auditLog, commandLog, guildChannels } from './schema';
import { z } from 'zod';
import { UserError } from './errors';

// The libSQL cases talk to one shared sqld server over HTTP; in the full suite (every worker at
// once) its answers have taken longer than the default 5 s (CI, 2026-12-01), alone they take ms.
vi.setConfig({ testTimeout: 30_000 });

// The same repository code against both drivers: local D1 and a real libSQL server (sqld),
// which skips, saying why, where there is no sqld binary.
describe.each([
  ['D1', () => getDb(env), false],
  [sqldTitle('libSQL (sqld)'), () => openLibsql(env.TEST_SQLD_URL), sqldSkip !== null],
] as const)('repositories on %s', (_driver, open, skip) => {
  let db: Db;
  beforeAll(() => {
    if (!skip) db = open();
  });
  beforeEach(({ skip: skipTest }) => {
    if (skip) skipTest();
  });

  it('maps channels per purpose, scoped to the guild, with an audit row per change', async () => {
    const guildA = new GuildConfig(db, snowflake());
    const guildB = new GuildConfig(db, snowflake());
    const actor = snowflake();
    const [c1, c2] = [snowflake(), snowflake()];
    await guildA.setChannel(actor, 'mod_log', c1);
    await guildA.setChannel(actor, 'mod_log', c2);
    expect(await guildA.channel('mod_log')).toBe(c2);
    expect(await guildB.channel('mod_log')).toBeNull();
    await guildA.setChannel(actor, 'mod_log', null);
    expect(await guildA.channel('mod_log')).toBeNull();
    const audits = await db.select().from(auditLog).where(eq(auditLog.guildId, guildA.guildId)).orderBy(auditLog.id);
    expect(audits.map((a) => [a.action, a.before, a.after, a.actorId])).toEqual([
      ['channel.mod_log', null, c1, actor],
      ['channel.mod_log', c1, c2, actor],
      ['channel.mod_log', c2, null, actor],
    ]);
  });

  it('keeps staff roles, modules and settings', async () => {
    const config = new GuildConfig(db, snowflake());
    const role = snowflake();
    await config.setStaffRole('actor', role, 'moderator');
    expect(await config.staffRoleMap()).toEqual(new Map([[role, 'moderator']]));
    await config.setStaffRole('actor', role, null);
    expect((await config.staffRoleMap()).size).toBe(0);
    expect(await config.moduleEnabled('gate', true)).toBe(true);
    await config.setModule('actor', 'gate', false);
    expect(await config.moduleEnabled('gate', true)).toBe(false);
    const schema = z.object({ cooldownDays: z.number().default(7), note: z.string().optional() });
    expect(await config.settings('gate', schema)).toEqual({ cooldownDays: 7 });
    await config.setSettings('actor', 'gate', { cooldownDays: 3 });
    expect(await config.settings('gate', schema)).toEqual({ cooldownDays: 3 });
    const snapshot = await config.snapshot();
    expect(snapshot.modules).toEqual({ gate: false });
  });

  it('keeps every concurrent settings change of different keys, each audited once with its before and after', async () => {
    const config = new GuildConfig(db, snowflake());
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'] as const;
    const schema = z.object(Object.fromEntries(keys.map((k) => [k, z.number().default(0)])) as Record<(typeof keys)[number], z.ZodDefault<z.ZodNumber>>);
    await config.updateSettings('actor', 'race', schema, (s) => s);
    await Promise.all(keys.map((k, i) => new GuildConfig(db, config.guildId).updateSettings(`actor-${k}`, 'race', schema, (s) => ({ ...s, [k]: i + 1 }))));
    expect(await config.settings('race', schema)).toEqual({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 });
    const audits = await db.select().from(auditLog).where(eq(auditLog.guildId, config.guildId)).orderBy(auditLog.id);
    expect(audits).toHaveLength(keys.length + 1);
    // Each write saw the one before it: the audit trail is a chain with no lost link.
    for (let i = 1; i < audits.length; i++) expect(audits[i]!.before).toEqual(audits[i - 1]!.after);
  });

  it('runs a settings change against fresh values, and lets a UserError from it through', async () => {
    const config = new GuildConfig(db, snowflake());
    const schema = z.object({ list: z.array(z.number()).max(3).default([]) });
    await Promise.all([1, 2, 3].map((n) => config.updateSettings('actor', 'list', schema, (s) => ({ list: [...s.list, n] }))));
    expect((await config.settings('list', schema)).list.sort()).toEqual([1, 2, 3]);
    await expect(config.updateSettings('actor', 'list', schema, () => { throw new UserError('full', 'Full.'); })).rejects.toThrow('Full.');
  });

  it('takes a cooldown once, and again after it ends', async () => {
    const guild = snowflake();
    const now = Date.now();
    expect(await takeCooldown(db, guild, 'u', 'cmd', 10, now)).toBe(0);
    expect(await takeCooldown(db, guild, 'u', 'cmd', 10, now + 1000)).toBe(9000);
    expect(await takeCooldown(db, guild, 'u', 'cmd', 10, now + 10_000)).toBe(0);
  });

  it('writes buffered command-log rows in batches', async () => {
    const guildId = snowflake();
    const writes = Array.from({ length: 25 }, (_, i) =>
      logCommand(db, { interactionId: snowflake(), guildId, userId: 'u', command: `/c${i}`, outcome: 'ok', latencyMs: i, createdAt: Date.now() }),
    );
    await Promise.all(writes);
    const [row] = await db.select({ n: sql<number>`count(*)` }).from(commandLog).where(eq(commandLog.guildId, guildId));
    expect(Number(row!.n)).toBe(25);
  });
});

describe('configuration snapshot cache', () => {
  afterEach(() => vi.useRealTimers());

  it('reuses a guild snapshot within the TTL, drops it on a change made here, and rereads after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const db = getDb(env);
    const guildId = snowflake();
    const [c1, c2, c3] = [snowflake(), snowflake(), snowflake()];
    await new GuildConfig(db, guildId).setChannel('actor', 'review', c1);
    expect(await new GuildConfig(db, guildId).channel('review')).toBe(c1);
    // Another isolate changes it (here: behind the repository's back).
    await db.update(guildChannels).set({ channelId: c2 }).where(and(eq(guildChannels.guildId, guildId), eq(guildChannels.purpose, 'review')));
    expect(await new GuildConfig(db, guildId).channel('review')).toBe(c1);
    vi.setSystemTime(Date.now() + SNAPSHOT_TTL_MS);
    expect(await new GuildConfig(db, guildId).channel('review')).toBe(c2);
    // A change through the repository is visible at once in this isolate, and audited with the fresh value.
    await new GuildConfig(db, guildId).setChannel('actor', 'review', c3);
    expect(await new GuildConfig(db, guildId).channel('review')).toBe(c3);
    const [last] = await db.select().from(auditLog).where(eq(auditLog.guildId, guildId)).orderBy(desc(auditLog.id)).limit(1);
    expect([last!.before, last!.after]).toEqual([c2, c3]);
  });
});

describe('audited changes are atomic', () => {
  it('leaves no change behind when its audit row cannot be written', async () => {
    const db = getDb(env);
    const config = new GuildConfig(db, snowflake());
    await db.run(sql`CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit down'); END`);
    try {
      await expect(config.setChannel('actor', 'review', snowflake())).rejects.toThrow();
    } finally {
      await db.run(sql`DROP TRIGGER fail_audit`);
    }
    const rows = await db.select().from(guildChannels).where(and(eq(guildChannels.guildId, config.guildId), eq(guildChannels.purpose, 'review')));
    expect(rows).toEqual([]);
  });
});
