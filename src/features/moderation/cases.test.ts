import { env } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb, openLibsql, type Db } from '../../db/client';
import { snowflake } from '../../testing/snowflake';
import { sqldSkip, sqldTitle } from '../../testing/sqld';
import { GuildCases } from './cases.repo';
import { modWorld, type ModWorld, type Person } from './moderation.fixture';

describe('case numbering', () => {
  const concurrent = async (db: Db) => {
    const guildId = snowflake();
    const repo = new GuildCases(db, guildId);
    const rows = await Promise.all(
      Array.from({ length: 50 }, (_, i) => new GuildCases(db, guildId).create({ type: 'warn', actorId: '1', targetId: String(i), reason: `r${i}` })),
    );
    const numbers = rows.map((r) => r.caseNumber).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.id)).size).toBe(50);
    // Another guild starts at 1.
    expect((await new GuildCases(db, snowflake()).create({ type: 'warn', actorId: '1', targetId: '2', reason: 'x' })).caseNumber).toBe(1);
    expect((await repo.create({ type: 'warn', actorId: '1', targetId: '2', reason: 'x' })).caseNumber).toBe(51);
  };

  it('50 concurrent creations on D1 get 1..50, no gap, no duplicate', async () => {
    await concurrent(getDb(env));
  });

  it.skipIf(sqldSkip)(sqldTitle('50 concurrent creations on libSQL (sqld) get 1..50, retrying lost races'), async () => {
    await concurrent(openLibsql(env.TEST_SQLD_URL));
  });
});

describe('cases and notes', () => {
  let w: ModWorld;
  let target: Person;
  beforeEach(async () => {
    w = await modWorld();
    target = await w.member();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await w.fake.assertNoViolations();
  });

  it('/case reason appends to the history and edits the mod-log embed', async () => {
    await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'first reason' });
    const helperTry = await w.run(w.helper, 'case', { number: 1, text: 'x' }, 'reason');
    expect(helperTry.content).toBe('You need to be a moderator or above to use this.');
    const out = await w.run(w.moderator, 'case', { number: 1, text: 'also spammed DMs' }, 'reason');
    expect(out.content).toBe('Updated the reason of case #1.');
    const [log] = await w.modLog();
    const reason = log!.embeds[0]!.fields!.find((f) => f.name === 'Reason')!.value;
    expect(reason).toContain('first reason');
    expect(reason).toContain('also spammed DMs');
    expect(await w.fake.calls({ method: 'PATCH', route: '/channels/{channel_id}/messages/{message_id}' })).toHaveLength(1);
    const show = await w.run(w.helper, 'case', { number: 1 }, 'show');
    expect(show.message?.embeds?.[0]?.fields?.find((f) => f.name === 'Reason')?.value).toContain('also spammed DMs');
    expect((await w.run(w.moderator, 'case', { number: 9, text: 'x' }, 'reason')).content).toBe('There is no case #9.');
  });

  it('/case delete is for administrators, soft, and edits the embed', async () => {
    await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'oops' });
    expect((await w.run(w.moderator, 'case', { number: 1 }, 'delete')).content).toBe('You need to be an administrator or above to use this.');
    const out = await w.run(w.admin, 'case', { number: 1 }, 'delete');
    expect(out.content).toContain('Deleted case #1.');
    expect((await w.modLog())[0]!.embeds[0]!.title).toBe('[deleted] Case #1 · Warning');
    const show = await w.run(w.helper, 'case', { number: 1 }, 'show');
    expect(show.message?.embeds?.[0]?.title).toBe('[deleted] Case #1 · Warning');
    const list = await w.run(w.helper, 'cases', { member: { user: target.user.id } });
    expect(list.message?.embeds?.[0]?.description).toContain('has no cases');
    // Numbers are never reused.
    expect((await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'again' })).content).toContain('**Case #2**');
  });

  it('"Cases" context menu lists the member\'s cases', async () => {
    await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'listed' });
    const out = await w.runUser(w.helper, 'Cases', target);
    expect(out.message?.embeds?.[0]?.description).toContain('listed');
  });

  it('/note add, /notes, /note remove', async () => {
    const added = await w.run(w.helper, 'note', { member: { user: target.user.id }, text: 'seems to be an alt of someone' }, 'add');
    const id = Number(/Note (\d+) added/.exec(added.content)?.[1]);
    expect(id).toBeGreaterThan(0);
    const list = await w.run(w.helper, 'notes', { member: { user: target.user.id } });
    expect(list.message?.embeds?.[0]?.description).toContain('seems to be an alt');
    expect((await w.run(w.helper, 'note', { id }, 'remove')).content).toContain(`Removed note ${id}`);
    expect((await w.run(w.helper, 'notes', { member: { user: target.user.id } })).message?.embeds?.[0]?.description).toContain('No notes');
    expect((await w.run(w.helper, 'note', { id }, 'remove')).content).toBe(`There is no note ${id}.`);
    expect(await w.modLog()).toHaveLength(0);
  });

  it('threshold: the 3rd warning within 7 days times the member out, referencing the warnings', async () => {
    const cfg = await w.run(w.admin, 'modconfig', { count: 3, days: 7, action: 'timeout', duration: '1h' }, 'threshold-add');
    expect(cfg.content).toBe('Saved: 3 warnings within 7 days → timeout for 1h.');
    await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'one' });
    const second = await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'two' });
    expect(second.content).not.toContain('Threshold');
    const third = await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'three' });
    expect(third.content).toContain('**Case #3**: warned');
    expect(third.content).toContain('Threshold reached (3 warnings in 7 days): automatic timeout, case #4.');
    const auto = await new GuildCases(getDb(w.env), w.g.guildId).byNumber(4);
    expect(auto).toMatchObject({ type: 'timeout', actorId: w.g.botUserId, refs: [1, 2, 3], durationMs: 3_600_000 });
    expect(auto?.reason).toBe('Automatic: 3 warnings within 7 days (#1, #2, #3)');
    expect((await w.fake.member(w.g.guildId, target.user.id))?.communication_disabled_until).not.toBeNull();
    const log = await w.modLog();
    expect(log.map((m) => m.embeds[0]!.title)).toEqual(['Case #1 · Warning', 'Case #2 · Warning', 'Case #3 · Warning', 'Case #4 · Timeout']);
    expect(log[3]!.embeds[0]!.fields!.find((f) => f.name === 'Because of')?.value).toBe('#1, #2, #3');
  });

  it('threshold: two concurrent warnings at N−1 escalate exactly once (the one numbered N)', async () => {
    await w.run(w.admin, 'modconfig', { count: 3, days: 7, action: 'timeout', duration: '1h' }, 'threshold-add');
    await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'one' });
    await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'two' });
    const outs = await Promise.all([
      w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'three' }),
      w.run(w.moderator, 'warn', { member: { user: target.user.id }, reason: 'four' }),
    ]);
    const escalated = outs.filter((o) => o.content.includes('Threshold reached'));
    expect(escalated).toHaveLength(1);
    expect(escalated[0]!.content).toContain('**Case #3**: warned');
    // The timeout's number depends on how the two requests interleave (#4 or #5); it is the timeout case.
    const auto = /automatic timeout, case #(\d+)\./.exec(escalated[0]!.content);
    expect(auto).not.toBeNull();
    const all = (await new GuildCases(getDb(w.env), w.g.guildId).forTarget(target.user.id, 0, 50)).rows;
    expect(all.filter((c) => c.type === 'timeout').map((c) => [c.caseNumber, c.refs])).toEqual([[Number(auto![1]), [1, 2, 3]]]);
    expect(await w.fake.calls({ method: 'PATCH', route: '/guilds/{guild_id}/members/{user_id}' })).toHaveLength(1);
  });

  it('threshold: deleted and decayed warnings do not count', async () => {
    await w.run(w.admin, 'modconfig', { count: 2, days: 30, action: 'kick' }, 'threshold-add');
    await w.run(w.admin, 'modconfig', { days: 5 }, 'decay');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 10 * 86_400_000);
    await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'old, decayed' });
    vi.useRealTimers();
    await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'deleted' });
    await w.run(w.admin, 'case', { number: 2 }, 'delete');
    const third = await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'counts' });
    expect(third.content).not.toContain('Threshold');
    expect(await w.fake.member(w.g.guildId, target.user.id)).not.toBeNull();
    const fourth = await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'counts too' });
    expect(fourth.content).toContain('Threshold reached (2 warnings in 30 days): automatic kick, case #5.');
    expect(await w.fake.member(w.g.guildId, target.user.id)).toBeNull();
    expect((await new GuildCases(getDb(w.env), w.g.guildId).byNumber(5))?.refs).toEqual([3, 4]);
  });

  it('threshold: a failed automatic action is reported, the warning stands', async () => {
    await w.run(w.admin, 'modconfig', { count: 2, days: 7, action: 'ban', duration: '1d' }, 'threshold-add');
    await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'one' });
    await w.fake.failNext({ method: 'PUT', route: '/guilds/{guild_id}/bans/{user_id}', status: 403, code: 50013 });
    const out = await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'two' });
    expect(out.content).toContain('**Case #2**: warned');
    expect(out.content).toContain('Threshold reached, but the automatic ban failed: I can\'t ban them: Discord says I\'m missing the **Ban Members** permission');
    // The attempt keeps its number, marked failed (numbers stay gap-free; a failed case is no ban).
    expect(await new GuildCases(getDb(w.env), w.g.guildId).byNumber(3)).toMatchObject({ type: 'ban', state: 'failed' });
    expect(await w.fake.bans(w.g.guildId)).toHaveLength(0);
  });
});

describe('/modconfig', () => {
  let w: ModWorld;
  beforeEach(async () => {
    w = await modWorld();
  });
  afterEach(async () => {
    await w.fake.assertNoViolations();
  });

  it('is for administrators; shows, adds and removes rules', async () => {
    expect((await w.run(w.moderator, 'modconfig', {}, 'show')).content).toBe('You need to be an administrator or above to use this.');
    await w.run(w.admin, 'modconfig', { count: 3, days: 7, action: 'ban' }, 'threshold-add');
    const bad = await w.run(w.admin, 'modconfig', { count: 2, days: 7, action: 'timeout' }, 'threshold-add');
    expect(bad.content).toBe('A timeout rule needs a `duration`.');
    const shown = await w.run(w.admin, 'modconfig', {}, 'show');
    const fields = shown.message?.embeds?.[0]?.fields ?? [];
    expect(fields.find((f) => f.name === 'Warning thresholds')?.value).toBe('3 warnings within 7 days → ban (permanent)');
    expect(fields.find((f) => f.name === 'Mod log')?.value).toBe(`<#${w.g.channels['mod-log']}>`);
    expect((await w.run(w.admin, 'modconfig', { count: 3 }, 'threshold-remove')).content).toBe('Removed.');
    expect((await w.run(w.admin, 'modconfig', { count: 3 }, 'threshold-remove')).content).toBe('There is no rule for 3 warnings.');
  });
});
