import { env } from 'cloudflare:test';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb, openLibsql, type Db } from '../../db/client';
import { snowflake } from '../../testing/snowflake';
import { sqldSkip, sqldTitle } from '../../testing/sqld';
import { applyChange, applyChanges, balanceOf, ensureCurrency, findCurrency, ledgerStatements, LedgerInputError, periodTotal, prepareChange, type LedgerChange } from './public';
import { GuildCurrencies } from './currencies.repo';
import { ledgerTx, wallets } from './schema';

// The libSQL cases talk to one shared sqld server over HTTP; in the full suite (every worker at
// once) its answers have taken longer than the default 5 s (CI, 2026-12-01), alone they take ms.
vi.setConfig({ testTimeout: 30_000 });

describe.each([
  ['D1', () => getDb(env), false],
  [sqldTitle('libSQL (sqld)'), () => openLibsql(env.TEST_SQLD_URL), sqldSkip !== null],
] as const)('the ledger on %s', (_driver, open, skip) => {
  let db: Db;
  beforeAll(() => {
    if (!skip) db = open();
  });
  beforeEach(({ skip: skipTest }) => {
    if (skip) skipTest();
  });

  async function setup(spec: Parameters<typeof ensureCurrency>[2] = { name: 'coins' }) {
    const guildId = snowflake();
    const currency = await ensureCurrency(db, guildId, spec);
    const change = (userId: string, amount: number, direction: 'credit' | 'debit', key: string, extra: Partial<LedgerChange> = {}): LedgerChange => ({
      guildId,
      currencyId: currency.id,
      userId,
      amount,
      direction,
      source: 'award',
      idempotencyKey: key,
      actorId: 'staff',
      ...extra,
    });
    return { guildId, currency, change };
  }

  it('credits and debits with the sign from the direction, and records balance_after on an append-only row', async () => {
    const { guildId, currency, change } = await setup();
    const u = snowflake();
    expect(await applyChange(db, change(u, 30, 'credit', 'k1'))).toMatchObject({ ok: true, balance: 30, duplicate: false });
    expect(await applyChange(db, change(u, 12, 'debit', 'k2'))).toMatchObject({ ok: true, balance: 18, duplicate: false });
    expect(await balanceOf(db, guildId, currency.id, u)).toBe(18);
    const rows = await db.select().from(ledgerTx).where(eq(ledgerTx.guildId, guildId)).orderBy(ledgerTx.createdAt);
    expect(rows.map((r) => [r.amount, r.balanceAfter, r.source, r.idempotencyKey])).toEqual([
      [30, 30, 'award', 'k1'],
      [-12, 18, 'award', 'k2'],
    ]);
  });

  it('the same key applied 3 times moves once; the repeats answer duplicate with the first tx', async () => {
    const { guildId, currency, change } = await setup();
    const u = snowflake();
    const first = await applyChange(db, change(u, 15, 'credit', 'evt:1:rule:9'));
    const again = await Promise.all([applyChange(db, change(u, 15, 'credit', 'evt:1:rule:9')), applyChange(db, change(u, 15, 'credit', 'evt:1:rule:9'))]);
    expect(first).toMatchObject({ ok: true, duplicate: false, balance: 15 });
    for (const r of again) expect(r).toEqual({ ok: true, duplicate: true, balance: 15, txId: first.ok ? first.txId : '' });
    expect(await balanceOf(db, guildId, currency.id, u)).toBe(15);
    const [n] = await db.select({ n: sql<number>`count(*)` }).from(ledgerTx).where(eq(ledgerTx.guildId, guildId));
    expect(n!.n).toBe(1);
  });

  it('100 concurrent debits from a wallet that covers 10: exactly 10 succeed, balance 0, never negative', async () => {
    const { guildId, currency, change } = await setup();
    const u = snowflake();
    await applyChange(db, change(u, 100, 'credit', 'seed'));
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => applyChange(db, change(u, 10, 'debit', `spend:${i}`))));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'insufficient')).toBe(true);
    expect(await balanceOf(db, guildId, currency.id, u)).toBe(0);
    const after = await db.select({ b: ledgerTx.balanceAfter }).from(ledgerTx).where(eq(ledgerTx.guildId, guildId));
    expect(Math.min(...after.map((r) => r.b))).toBe(0);
  });

  it('refuses an overdraft, a credit past the maximum, an archived or unknown currency, writing nothing', async () => {
    const { guildId, currency, change } = await setup({ name: 'gems', maxBalance: 50 });
    const u = snowflake();
    expect(await applyChange(db, change(u, 5, 'debit', 'd0'))).toEqual({ ok: false, reason: 'insufficient' });
    expect(await db.select().from(wallets).where(eq(wallets.guildId, guildId))).toHaveLength(0);
    expect(await applyChange(db, change(u, 50, 'credit', 'c1'))).toMatchObject({ ok: true, balance: 50 });
    expect(await applyChange(db, change(u, 1, 'credit', 'c2'))).toEqual({ ok: false, reason: 'max_balance' });
    expect(await applyChange(db, { ...change(u, 1, 'credit', 'c3'), currencyId: 'nope' })).toEqual({ ok: false, reason: 'unknown_currency' });
    expect(await applyChange(db, { ...change(u, 1, 'credit', 'c4'), guildId: snowflake() })).toEqual({ ok: false, reason: 'unknown_currency' });
    await new GuildCurrencies(db, guildId).edit(currency.id, { archived: true });
    expect(await applyChange(db, change(u, 1, 'debit', 'c5'))).toEqual({ ok: false, reason: 'archived' });
    expect(await balanceOf(db, guildId, currency.id, u)).toBe(50);
    const keys = await db.select({ k: ledgerTx.idempotencyKey }).from(ledgerTx).where(eq(ledgerTx.guildId, guildId));
    expect(keys.map((r) => r.k)).toEqual(['c1']);
  });

  it('refuses zero, negative, fractional, huge and non-number amounts before touching the database', async () => {
    const { change } = await setup();
    for (const amount of [0, -5, 1.5, 1e12, Number.NaN, Infinity]) {
      await expect(applyChange(db, change(snowflake(), amount, 'credit', `bad:${amount}`))).rejects.toBeInstanceOf(LedgerInputError);
    }
  });

  it('the wallet CHECK rolls back a batch whose update would overdraw', async () => {
    const { guildId, currency, change } = await setup();
    const u = snowflake();
    await applyChange(db, change(u, 5, 'credit', 'seed'));
    const unguarded = db
      .update(wallets)
      .set({ balance: sql`${wallets.balance} - 6` })
      .where(and(eq(wallets.guildId, guildId), eq(wallets.userId, u)));
    await expect(db.batch([db.insert(ledgerTx).values({ id: 'x', guildId, currencyId: currency.id, userId: u, amount: -6, balanceAfter: -1, actorId: null, source: 'test', idempotencyKey: 'raw', season: 0, createdAt: 0 }), unguarded])).rejects.toThrow(/CHECK/i);
    expect(await balanceOf(db, guildId, currency.id, u)).toBe(5);
    expect(await db.select().from(ledgerTx).where(and(eq(ledgerTx.guildId, guildId), eq(ledgerTx.idempotencyKey, 'raw')))).toHaveLength(0);
  });

  it('allows negatives where the currency says so, and the edit that forbids them fails while a wallet is below zero', async () => {
    const { guildId, currency, change } = await setup({ name: 'debt', allowNegative: true });
    const u = snowflake();
    expect(await applyChange(db, change(u, 7, 'debit', 'd1'))).toMatchObject({ ok: true, balance: -7 });
    await expect(new GuildCurrencies(db, guildId).edit(currency.id, { allowNegative: false })).rejects.toThrow(/CHECK/i);
    expect((await findCurrency(db, guildId, 'DEBT'))?.allowNegative).toBe(true);
  });

  it('applyChanges credits many members in order; ledgerStatements joins another batch; periodTotal sums by period', async () => {
    const { guildId, currency, change } = await setup({ name: 'quota', kind: 'xp' });
    const users = Array.from({ length: 45 }, () => snowflake());
    const results = await applyChanges(
      db,
      users.map((u, i) => change(u, i + 1, 'credit', `run:1:${u}`, { source: 'quota', period: '2026-W49' })),
    );
    expect(results.every((r) => r.ok && !r.duplicate)).toBe(true);
    expect(await periodTotal(db, guildId, currency.id, '2026-W49', users[44]!)).toBe(45);
    expect((await periodTotal(db, guildId, currency.id, '2026-W49')).length).toBe(45);
    const again = await applyChanges(db, users.map((u, i) => change(u, i + 1, 'credit', `run:1:${u}`, { source: 'quota', period: '2026-W49' })));
    expect(again.every((r) => r.ok && r.duplicate)).toBe(true);
    expect(await periodTotal(db, guildId, currency.id, '2026-W49', users[0]!)).toBe(1);

    const p = prepareChange(db, change(users[0]!, 4, 'credit', 'joined'));
    const res = await db.batch([db.select({ one: sql<number>`1` }).from(wallets).limit(1), ...p.statements] as never);
    expect(p.result((res as unknown[]).slice(1))).toMatchObject({ ok: true, balance: 5, duplicate: false });
    expect(ledgerStatements(db, change(users[0]!, 1, 'credit', 'n'))).toHaveLength(6);
  });

  it('findCurrency by id or name; ensureCurrency returns the existing one', async () => {
    const { guildId, currency } = await setup({ name: 'Coins', emoji: '🪙' });
    expect((await findCurrency(db, guildId, currency.id))?.name).toBe('coins');
    expect((await findCurrency(db, guildId, 'COINS'))?.id).toBe(currency.id);
    expect(await findCurrency(db, snowflake(), 'coins')).toBeUndefined();
    expect((await ensureCurrency(db, guildId, { name: 'coins', kind: 'xp' })).id).toBe(currency.id);
  });
});
