import { vi } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { auditLog } from '../../core/schema';
import { send } from '../../testing/harness';
import { commandOptions, guildWorld, type GuildWorld, type Person } from '../../testing/guild-world';
import { slashCommand } from '../../testing/interactions';
import { balanceOf, findCurrency } from './public';
import { ledgerTx, milestoneAwards, wallets } from './schema';
import { meterD1 } from '../../testing/metered';
import { snowflake } from '../../testing/snowflake';
import { deliver, messageEvent } from '../rules/rules.fixture';

let w: GuildWorld;
beforeEach(async () => {
  w = await guildWorld();
});
afterEach(async () => {
  vi.useRealTimers();
  await w.fake.assertNoViolations();
});

const db = () => getDb(w.env);
async function coins(spec: Record<string, string | number | boolean> = {}) {
  const out = await w.run(w.admin, 'currency', { name: 'coins', emoji: '🪙', ...spec }, 'create');
  expect(out.content).toContain('Created');
  return (await findCurrency(db(), w.g.guildId, 'coins'))!;
}
async function award(to: Person, amount: number, currency = 'coins') {
  const out = await w.run(w.moderator, 'award', { member: { user: to.user.id }, amount, currency, reason: 'test' });
  expect(out.content).toContain('Awarded');
}

describe('economy commands', { timeout: 30_000 }, () => {
  it('administrators create, edit, list and delete currencies; delete only when unused or archived', async () => {
    const member = await w.member();
    expect((await w.run(member, 'currency', { name: 'gems' }, 'create')).content).toMatch(/administrator/i);
    const c = await coins({ daily: 50 });
    expect((await w.run(w.admin, 'currency', { name: 'Coins' }, 'create')).content).toContain('already exists');
    expect((await w.run(w.admin, 'currency', { name: 'no spaces!' }, 'create')).content).toContain("can't be a currency name");
    expect((await w.run(w.admin, 'currency', { name: 'xp', kind: 'xp', daily: 5 }, 'create')).content).toContain('Only a spendable');
    expect((await w.run(w.admin, 'currency', { currency: 'coins', max_balance: 1000 }, 'edit')).content).toContain('max 1,000');
    expect((await w.run(member, 'currency', {}, 'list')).content).toContain('`coins`: spendable, max 1,000, daily 🪙 50 coins');
    await award(member, 5);
    expect((await w.run(w.admin, 'currency', { currency: 'coins' }, 'delete')).content).toContain('archive it first');
    await w.run(w.admin, 'currency', { currency: 'coins', archived: true }, 'edit');
    expect((await w.run(w.admin, 'currency', { currency: 'coins' }, 'delete')).content).toContain('Deleted `coins`');
    expect(await findCurrency(db(), w.g.guildId, c.id)).toBeUndefined();
    const audits = await db().select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.guildId, w.g.guildId));
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(['economy.currency.create', 'economy.currency.edit', 'economy.award', 'economy.currency.delete']));
  });

  it('/give moves spendable currency to a member; bad input gets a clear ephemeral answer and writes nothing', async () => {
    const c = await coins();
    await w.run(w.admin, 'currency', { name: 'xp', kind: 'xp' }, 'create');
    const [a, b] = [await w.member(), await w.member()];
    await award(a, 100);
    const before = await db().select({ n: sql<number>`count(*)` }).from(ledgerTx).where(eq(ledgerTx.guildId, w.g.guildId));
    const bot = await w.fake.addMember(w.g.guildId, { bot: true });
    const refusals: [Record<string, string | number | { user: string }>, RegExp][] = [
      [{ member: { user: b.user.id }, amount: 0, currency: 'coins' }, /at least 1/],
      [{ member: { user: b.user.id }, amount: -5, currency: 'coins' }, /at least 1/],
      [{ member: { user: b.user.id }, amount: 10_000_000_000, currency: 'coins' }, /at most/],
      [{ member: { user: a.user.id }, amount: 5, currency: 'coins' }, /can't give to yourself/],
      [{ member: { user: b.user.id }, amount: 5, currency: 'xp' }, /earned, not spent/],
      [{ member: { user: b.user.id }, amount: 5, currency: 'nope' }, /no currency `nope`/],
      [{ member: { user: b.user.id }, amount: 500, currency: 'coins' }, /don't have enough coins/],
    ];
    refusals.push([{ member: { user: bot } }, /Bots don't hold currency/]);
    for (const [options, message] of refusals) {
      const out = await w.run(a, 'give', { amount: 1, ...options });
      expect(out.ephemeral, JSON.stringify(options)).toBe(true);
      expect(out.content).toMatch(message);
    }
    // A fractional amount as a client could send it.
    const { opts, resolved } = await commandOptions(w.fake, w.g.guildId, { member: { user: b.user.id }, currency: 'coins' });
    const frac = await send(slashCommand('give', { guildId: w.g.guildId, user: a.user, options: [...opts, { name: 'amount', type: 4, value: 1.5 }], resolved: resolved as never }), w.env);
    expect(JSON.stringify(frac.body)).toContain('whole number');
    const after = await db().select({ n: sql<number>`count(*)` }).from(ledgerTx).where(eq(ledgerTx.guildId, w.g.guildId));
    expect(after[0]!.n).toBe(before[0]!.n);
    const ok = await w.run(a, 'give', { member: { user: b.user.id }, amount: 30, currency: 'coins' });
    expect(ok.content).toContain('gave 🪙 30 coins');
    expect(await balanceOf(db(), w.g.guildId, c.id, a.user.id)).toBe(70);
    expect(await balanceOf(db(), w.g.guildId, c.id, b.user.id)).toBe(30);
  });

  it('100 concurrent /give from a wallet that covers 10: exactly 10 succeed, balance 0, never negative', async () => {
    const c = await coins();
    const [a, b] = [await w.member(), await w.member()];
    await award(a, 100);
    // 100 distinct interactions at once, signed and sent straight to the Worker (the reply is
    // the HTTP response; registering each with the fake first would only queue them up).
    const { opts, resolved } = await commandOptions(w.fake, w.g.guildId, { member: { user: b.user.id }, amount: 10 });
    const outs = await Promise.all(
      Array.from({ length: 100 }, async () => JSON.stringify((await send(slashCommand('give', { guildId: w.g.guildId, channelId: w.g.channels.general!, user: a.user, options: opts, resolved: resolved as never }), w.env)).body)),
    );
    expect(outs.filter((o) => o.includes('gave'))).toHaveLength(10);
    expect(outs.filter((o) => o.includes("don't have enough"))).toHaveLength(90);
    expect(await balanceOf(db(), w.g.guildId, c.id, a.user.id)).toBe(0);
    expect(await balanceOf(db(), w.g.guildId, c.id, b.user.id)).toBe(100);
    const [{ min }] = (await db().select({ min: sql<number>`min(${wallets.balance})` }).from(wallets).where(eq(wallets.guildId, w.g.guildId))) as [{ min: number }];
    expect(min).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('a retried /give interaction (same id, delivered twice) moves money once', async () => {
    const c = await coins();
    const [a, b] = [await w.member(), await w.member()];
    await award(a, 50);
    const { opts, resolved } = await commandOptions(w.fake, w.g.guildId, { member: { user: b.user.id }, amount: 20 });
    const interaction = slashCommand('give', { guildId: w.g.guildId, channelId: w.g.channels.general!, user: a.user, options: opts, resolved: resolved as never });
    const first = await send(interaction, w.env);
    const again = await send(interaction, w.env);
    expect(JSON.stringify(first.body)).toContain('gave');
    expect(JSON.stringify(again.body)).toContain('gave');
    expect(await balanceOf(db(), w.g.guildId, c.id, a.user.id)).toBe(30);
    expect(await balanceOf(db(), w.g.guildId, c.id, b.user.id)).toBe(20);
    const rows = await db().select().from(ledgerTx).where(and(eq(ledgerTx.guildId, w.g.guildId), eq(ledgerTx.source, 'transfer')));
    expect(rows).toHaveLength(2);
  });

  it('/daily credits once per window per currency, and says when the next one is', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    const c = await coins({ daily: 25 });
    const m = await w.member();
    expect((await w.run(m, 'daily')).content).toContain('+🪙 25 coins (balance 25)');
    expect((await w.run(m, 'daily')).content).toContain('already claimed; next <t:1796169600:R>');
    vi.setSystemTime(new Date('2026-12-02T00:00:01Z'));
    expect((await w.run(m, 'daily')).content).toContain('balance 50');
    expect(await balanceOf(db(), w.g.guildId, c.id, m.user.id)).toBe(50);
  });

  it('/deduct refuses an overdraft; /balance shows the balance', async () => {
    await coins();
    const m = await w.member();
    await award(m, 10);
    expect((await w.run(w.moderator, 'deduct', { member: { user: m.user.id }, amount: 11, currency: 'coins', reason: 'x' })).content).toContain("doesn't have enough");
    expect((await w.run(w.moderator, 'deduct', { member: { user: m.user.id }, amount: 4, currency: 'coins', reason: 'x' })).content).toContain('Balance: 🪙 6 coins');
    expect((await w.run(m, 'balance')).content).toContain('🪙 6 coins');
    expect((await w.run(m, 'deduct', { member: { user: m.user.id }, amount: 4, currency: 'coins', reason: 'x' })).content).toMatch(/moderator/i);
  });
});

describe('leaderboards, seasons, milestones', { timeout: 30_000 }, () => {
  it('the leaderboard reads the snapshot: top 10 with pages, own rank always, zero balances and opted-out members left out', async () => {
    await coins();
    const people = await Promise.all(Array.from({ length: 13 }, () => w.member()));
    for (const [i, p] of people.entries()) await award(p, (i + 1) * 10);
    const zero = await w.member();
    await award(zero, 5);
    await w.run(w.moderator, 'deduct', { member: { user: zero.user.id }, amount: 5, currency: 'coins', reason: 'x' });
    const hidden = people[12]!; // the top balance
    await w.run(hidden, 'leaderboard-privacy', { hidden: true });
    await w.cron();
    const me = people[0]!;
    const out = await w.run(me, 'leaderboard');
    const embed = out.message!.embeds![0]!;
    expect(embed.description!.split('\n')).toHaveLength(10);
    expect(embed.description!.split('\n')[0]).toBe(`**#1** <@${people[11]!.user.id}> · 120`);
    expect(embed.description).not.toContain(hidden.user.id);
    expect(embed.fields![0]!.value).toContain('Your rank: **#12** of 12 (10)');
    expect(embed.footer!.text).toBe('Page 1 of 2');
    const next = await w.press(me, (out.message!.components![0] as { components: { custom_id: string }[] }).components[1]!.custom_id, out.message as never);
    expect(next.message!.embeds![0]!.description!.split('\n')).toEqual([`**#11** <@${people[1]!.user.id}> · 20`, `**#12** <@${me.user.id}> · 10`]);
    const zeroOut = await w.run(zero, 'leaderboard');
    expect(zeroOut.message!.embeds![0]!.fields![0]!.value).toContain('not on this board');
    // A second cron within the minute does not rebuild; a change shows after the next minute.
    await award(me, 1000);
    await w.cron();
    expect((await w.run(me, 'leaderboard')).message!.embeds![0]!.fields![0]!.value).toContain('#12');
  });

  it('rolling a season freezes its board, resets seasonal wallets and keeps all-time totals', async () => {
    const c = await coins({ seasonal: true });
    const [a, b] = [await w.member(), await w.member()];
    await award(a, 30);
    await award(b, 50);
    await w.cron();
    expect((await w.run(w.admin, 'season', { confirm: false }, 'roll')).content).toContain('Nothing rolled');
    expect((await w.run(a, 'season', { confirm: true }, 'roll')).content).toMatch(/administrator/i);
    expect((await w.run(w.admin, 'season', { confirm: true }, 'roll')).content).toContain('Season 1 ended (1 seasonal currencies');
    expect(await balanceOf(db(), w.g.guildId, c.id, a.user.id)).toBe(0);
    await award(a, 7);
    expect(await balanceOf(db(), w.g.guildId, c.id, a.user.id)).toBe(7);
    expect(await balanceOf(db(), w.g.guildId, c.id, a.user.id, 1)).toBe(30);
    expect(await balanceOf(db(), w.g.guildId, c.id, a.user.id, 'all')).toBe(37);
    expect((await w.run(a, 'balance')).content).toContain('🪙 7 coins (season 2; all-time 37)');
    // The final board of season 1 is frozen: later changes never touch it.
    await award(a, 100);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    await w.cron();
    const s1 = await w.run(a, 'leaderboard', { season: '1' });
    expect(s1.message!.embeds![0]!.title).toBe('🪙 coins · season 1 (final)');
    expect(s1.message!.embeds![0]!.description!.split('\n')).toEqual([`**#1** <@${b.user.id}> · 50`, `**#2** <@${a.user.id}> · 30`]);
    const s2 = await w.run(a, 'leaderboard');
    expect(s2.message!.embeds![0]!.description).toBe(`**#1** <@${a.user.id}> · 107`);
    const all = await w.run(a, 'leaderboard', { season: 'all' });
    expect(all.message!.embeds![0]!.description!.split('\n')).toEqual([`**#1** <@${a.user.id}> · 137`, `**#2** <@${b.user.id}> · 50`]);
    expect((await w.run(a, 'season', {}, 'list')).content).toMatch(/Season 2\*\*: .* → now\n\*\*Season 1\*\*/);
    const shown = await w.run(a, 'season', { number: 1 }, 'show');
    expect(shown.message!.embeds![0]!.fields![0]!.value).toContain(`#1 <@${b.user.id}> · 50`);
    expect((await w.run(a, 'leaderboard', { season: '9' })).content).toContain("hasn't started");
  });

  it('a wallet milestone fires once per member, announces, gives a role and a reward', async () => {
    await coins();
    const role = w.g.roles.Helpers!;
    await w.run(w.admin, 'currency', { name: 'gems' }, 'create');
    const out = await w.run(w.admin, 'milestone', { name: 'Rich', threshold: 100, currency: 'coins', role: { role }, reward_currency: 'gems', reward_amount: 5, channel: { channel: w.g.channels.other! } }, 'create');
    expect(out.content).toContain('Created the milestone `rich`');
    const m = await w.member();
    await award(m, 60);
    await award(m, 60);
    await award(m, 60);
    const gems = (await findCurrency(db(), w.g.guildId, 'gems'))!;
    expect(await balanceOf(db(), w.g.guildId, gems.id, m.user.id)).toBe(5);
    expect((await w.refresh(m)).roles).toContain(role);
    const posts = await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' });
    expect(posts).toHaveLength(1);
    expect((await w.run(w.moderator, 'milestone', { name: 'rich', member: { user: m.user.id } }, 'grant')).content).toContain('already has');
    expect((await w.run(m, 'milestone', {}, 'list')).content).toContain('reached by 1');
  });

  it('a message-count milestone: 150 members’ first messages in one queue batch each reach it once, and a redelivery awards nobody again', async () => {
    const out = await w.run(w.admin, 'milestone', { name: 'First words', threshold: 1 }, 'create');
    expect(out.content).toContain('reached at 1 messages');
    const members = Array.from({ length: 150 }, () => snowflake());
    const events = members.map((userId) => messageEvent(w.g.guildId, w.g.channels.general!, userId));
    // The metered D1 refuses statements of more than 100 bound parameters, as D1 does.
    const meter = meterD1(w.env);
    await deliver(meter.env, events);
    const awarded = async () => (await db().select({ userId: milestoneAwards.userId }).from(milestoneAwards).where(eq(milestoneAwards.guildId, w.g.guildId))).map((a) => a.userId).sort();
    expect(await awarded()).toEqual([...members].sort());
    await deliver(meter.env, events);
    expect(await awarded()).toHaveLength(150);
  });
});
