/**
 * What other features may call: the ledger (every currency write goes through here), currency
 * lookups, balances, period totals, and the `currency_changed` hook. Nothing else of the
 * economy's tables is theirs to read.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import type { Db } from '../../db/client';
import { GuildCurrencies, type CurrencySpec } from './currencies.repo';
import { checkWalletMilestones } from './milestones.service';
import { applyChange as applyOne, type LedgerChange, type LedgerResult } from './ledger';
import { currencies, ledgerTx, wallets, type Currency } from './schema';

export {
  applyChanges,
  ledgerStatements,
  prepareChange,
  validateChange,
  LedgerInputError,
  MAX_CHANGE,
  type LedgerChange,
  type LedgerResult,
  type LedgerSource,
  type PreparedChange,
} from './ledger';
export { BALANCE_LIMIT, type Currency } from './schema';
export type { CurrencySpec } from './currencies.repo';

/** Applies one change in one `db.batch` (see `ledger.ts` for the guarantees). */
export async function applyChange(db: Db, change: LedgerChange): Promise<LedgerResult> {
  return applyOne(db, change);
}

/** A currency of the guild by id or (case-insensitive) name. */
export async function findCurrency(db: Db, guildId: string, nameOrId: string): Promise<Currency | undefined> {
  return new GuildCurrencies(db, guildId).find(nameOrId);
}

/** The named currency, created from `spec` when the guild has none by that name (presets). */
export async function ensureCurrency(db: Db, guildId: string, spec: CurrencySpec, actorId = 'system'): Promise<Currency> {
  return new GuildCurrencies(db, guildId).ensure(actorId, spec);
}

/** Every currency of the guild, by name. */
export async function listCurrencies(db: Db, guildId: string): Promise<Currency[]> {
  return new GuildCurrencies(db, guildId).list();
}

/**
 * A member's balance in the currency's current season (0 without a wallet). With `season`,
 * that season's; `'all'`: the sum over every season (all-time).
 */
export async function balanceOf(db: Db, guildId: string, currencyId: string, userId: string, season?: number | 'all'): Promise<number> {
  const base = and(eq(wallets.guildId, guildId), eq(wallets.currencyId, currencyId), eq(wallets.userId, userId));
  const seasonFilter =
    season === 'all'
      ? undefined
      : season !== undefined
        ? eq(wallets.season, season)
        : sql`${wallets.season} = (SELECT ${currencies.season} FROM ${currencies} WHERE ${currencies.id} = ${currencyId} AND ${currencies.guildId} = ${guildId})`;
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${wallets.balance}), 0)` })
    .from(wallets)
    .where(seasonFilter ? and(base, seasonFilter) : base);
  return Number(row?.total ?? 0);
}

/**
 * The net amount moved in `period` (the `period` of the changes, e.g. '2026-W49'): one
 * member's, or with no `userId` every member's, summed per member.
 */
export async function periodTotal(db: Db, guildId: string, currencyId: string, period: string, userId: string): Promise<number>;
export async function periodTotal(db: Db, guildId: string, currencyId: string, period: string): Promise<{ userId: string; total: number }[]>;
export async function periodTotal(
  db: Db,
  guildId: string,
  currencyId: string,
  period: string,
  userId?: string,
): Promise<number | { userId: string; total: number }[]> {
  const base = and(eq(ledgerTx.guildId, guildId), eq(ledgerTx.currencyId, currencyId), eq(ledgerTx.period, period));
  if (userId !== undefined) {
    const [row] = await db
      .select({ total: sql<number>`coalesce(sum(${ledgerTx.amount}), 0)` })
      .from(ledgerTx)
      .where(and(base, eq(ledgerTx.userId, userId)));
    return Number(row?.total ?? 0);
  }
  const rows = await db
    .select({ userId: ledgerTx.userId, total: sql<number>`sum(${ledgerTx.amount})` })
    .from(ledgerTx)
    .where(base)
    .groupBy(ledgerTx.userId);
  return rows.map((r) => ({ userId: r.userId, total: Number(r.total) }));
}

/** What `currency_changed` carries: a change that moved money (never a duplicate). */
export interface CurrencyChanged {
  guildId: string;
  currencyId: string;
  userId: string;
  /** Signed. */
  amount: number;
  balance: number;
  source: string;
  txId: string;
}

/** A listener of `currency_changed`; `ctx` carries the invocation's db and Discord. */
export type CurrencyChangedListener = (ctx: BaseContext, event: CurrencyChanged) => Promise<void>;

const listeners: CurrencyChangedListener[] = [];

/**
 * Subscribes to `currency_changed` (at module load: the list is code, not state). Listeners
 * run after a change made through `applyChangeAndNotify`, in the same invocation.
 */
export function onCurrencyChanged(listener: CurrencyChangedListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

/** The `currency_changed` payload of a change that moved money, or null. */
export function currencyChangedEvent(change: LedgerChange, result: LedgerResult): CurrencyChanged | null {
  if (!result.ok || result.duplicate) return null;
  return {
    guildId: change.guildId,
    currencyId: change.currencyId,
    userId: change.userId,
    amount: change.direction === 'credit' ? change.amount : -change.amount,
    balance: result.balance,
    source: change.source,
    txId: result.txId,
  };
}

/** Reports a change that moved money: the wallet milestones it reached, then every `currency_changed` listener. */
export async function notifyCurrencyChanged(ctx: BaseContext, change: LedgerChange, result: LedgerResult): Promise<void> {
  const event = currencyChangedEvent(change, result);
  if (!event) return;
  await checkWalletMilestones(ctx, event);
  for (const listener of listeners) await listener(ctx, event);
}

/** `applyChange`, then `notifyCurrencyChanged` when money moved. */
export async function applyChangeAndNotify(ctx: BaseContext, change: LedgerChange): Promise<LedgerResult> {
  const result = await applyOne(ctx.db, change);
  await notifyCurrencyChanged(ctx, change, result);
  return result;
}

export { applyTransfer, type LedgerTransfer, type TransferResult } from './ledger';

/** The administrative changes the commands and the dashboard share (audited). */
export { editCurrency, mustFindCurrency, type CurrencyPatch } from './manage.service';
