/**
 * The ledger: every balance change is one batch of four statements, in this order:
 *
 * 1. create the wallet if missing (credits, or currencies that allow negatives), at 0;
 * 2. the guarded update: `balance + delta`, only when the currency exists and is not
 *    archived, this guild has no tx with the idempotency key yet, the result stays ≥ 0
 *    (unless negatives are allowed) and within the maximum; it stamps `last_tx_id`;
 * 3. the tx row, inserted from the wallet row stamped with this change's fresh tx id, so it
 *    exists exactly when the update happened and records the balance the update produced;
 * 4. a read of the tx under the key (ours, or the first one's when the key was used before)
 *    and of the wallet and currency, to tell the caller what happened;
 * 5. the leaderboard mark: the board of that season is due for a rebuild (one write per
 *    rebuild at most: skipped while it is already marked).
 *
 * No value is read before the write: the batch runs as one SQLite transaction, so concurrent
 * changes serialise and each sees the balance the last one left. The wallet's CHECK
 * (`negative_ok = 1 OR balance >= 0`) rolls the whole batch back should an overdraft ever
 * slip past the guard; the unique `(guild_id, idempotency_key)` index is the second line
 * against a double move.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { BALANCE_LIMIT, currencies, leaderboardBoards, ledgerTx, wallets } from './schema';

/** Largest amount one change may move. */
export const MAX_CHANGE = 1_000_000_000;

/** Where a change comes from (free text past these; the common ones are named). */
export type LedgerSource = 'event' | 'rule' | 'award' | 'transfer' | 'daily' | 'correction' | 'run' | 'quota' | 'milestone' | (string & {});

/** One balance change. `amount` is a positive integer; the sign comes from `direction`. */
export interface LedgerChange {
  guildId: string;
  currencyId: string;
  userId: string;
  amount: number;
  direction: 'credit' | 'debit';
  source: LedgerSource;
  /** Unique per guild: a repeat moves nothing and answers `duplicate: true`. */
  idempotencyKey: string;
  actorId: string | null;
  reason?: string;
  /** e.g. '2026-W49' for quota points; `periodTotal` sums by it. */
  period?: string;
}

/** What a change did. */
export type LedgerResult =
  | { ok: true; balance: number; txId: string; duplicate: boolean }
  | { ok: false; reason: 'insufficient' | 'max_balance' | 'unknown_currency' | 'archived' };

/** A change that is malformed (amount, key): a bug in the caller, or input to refuse first. */
export class LedgerInputError extends RangeError {
  override readonly name = 'LedgerInputError';
}

/** Throws `LedgerInputError` unless `change` is well formed. */
export function validateChange(change: LedgerChange): void {
  const { amount } = change;
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_CHANGE) {
    throw new LedgerInputError(`amount must be a whole number from 1 to ${MAX_CHANGE} (got ${amount})`);
  }
  if (change.direction !== 'credit' && change.direction !== 'debit') throw new LedgerInputError(`bad direction ${String(change.direction)}`);
  if (!change.idempotencyKey || change.idempotencyKey.length > 200) throw new LedgerInputError('idempotencyKey must be 1–200 characters');
  if (!change.guildId || !change.currencyId || !change.userId) throw new LedgerInputError('guildId, currencyId and userId are required');
}

/** A fresh tx id. */
export function newTxId(): string {
  return crypto.randomUUID();
}

/** A prepared change: its statements (to run in a batch) and how to read their results. */
export interface PreparedChange {
  txId: string;
  statements: BatchItem<'sqlite'>[];
  /** Reads the outcome from the batch results of `statements` (same order, same length). */
  result(results: readonly unknown[]): LedgerResult;
}

/** Builds the four statements of `change` (validated). */
export function prepareChange(db: Db, change: LedgerChange, txId = newTxId(), requires?: string): PreparedChange {
  validateChange(change);
  const { guildId: g, currencyId: c, userId: u, idempotencyKey: key } = change;
  const credit = change.direction === 'credit';
  const delta = credit ? change.amount : -change.amount;
  const now = Date.now();
  const limit = sql.raw(String(BALANCE_LIMIT));
  const liveCurrency: SQL = sql`SELECT season FROM currencies WHERE id = ${c} AND guild_id = ${g} AND archived = 0`;
  // `requires`: another change of the same batch (a transfer's debit) that must have happened.
  const unused: SQL = sql`NOT EXISTS (SELECT 1 FROM ledger_tx WHERE guild_id = ${g} AND idempotency_key = ${key})${
    requires ? sql` AND EXISTS (SELECT 1 FROM ledger_tx WHERE id = ${requires})` : sql``
  }`;

  // Column order of `wallets` and `ledger_tx` (drizzle inserts a SELECT into every column).
  const ensureWallet = db
    .insert(wallets)
    .select(
      sql`SELECT guild_id, id, season, ${u}, 0, allow_negative, NULL, ${now} FROM currencies
        WHERE id = ${c} AND guild_id = ${g} AND archived = 0 AND (${credit ? 1 : 0} = 1 OR allow_negative = 1)`,
    )
    .onConflictDoNothing();
  const guardedUpdate = db
    .update(wallets)
    .set({ balance: sql`${wallets.balance} + ${delta}`, lastTxId: txId, updatedAt: now })
    .where(
      sql`guild_id = ${g} AND currency_id = ${c} AND user_id = ${u} AND season = (${liveCurrency})
        AND ${unused}
        AND (negative_ok = 1 OR balance + ${delta} >= 0)
        AND balance + ${delta} BETWEEN -${limit} AND ${limit}
        AND (${delta} < 0 OR balance + ${delta} <= COALESCE((SELECT max_balance FROM currencies WHERE id = ${c}), ${limit}))`,
    );
  const insertTx = db.insert(ledgerTx).select(
    sql`SELECT ${txId}, guild_id, currency_id, user_id, ${delta}, balance, ${change.actorId}, ${change.reason ?? null}, ${change.source}, ${key}, season, ${change.period ?? null}, ${now}
      FROM wallets WHERE guild_id = ${g} AND currency_id = ${c} AND user_id = ${u} AND last_tx_id = ${txId}`,
  );
  const readTx = db
    .select({ id: ledgerTx.id, balanceAfter: ledgerTx.balanceAfter })
    .from(ledgerTx)
    .where(and(eq(ledgerTx.guildId, g), eq(ledgerTx.idempotencyKey, key)));
  const readState = db
    .select({ archived: currencies.archived, balance: wallets.balance })
    .from(currencies)
    .leftJoin(wallets, and(eq(wallets.guildId, g), eq(wallets.currencyId, c), eq(wallets.season, currencies.season), eq(wallets.userId, u)))
    .where(and(eq(currencies.id, c), eq(currencies.guildId, g)));

  // The board of the wallet's season is marked dirty once per rebuild (skipped while it is
  // already dirty), so the snapshot cron knows what to rebuild without scanning the ledger.
  const markBoard = db
    .insert(leaderboardBoards)
    .select(sql`SELECT guild_id, id, season, ${now}, 0, 0, 0 FROM currencies WHERE id = ${c} AND guild_id = ${g}`)
    .onConflictDoUpdate({
      target: [leaderboardBoards.guildId, leaderboardBoards.currencyId, leaderboardBoards.season],
      set: { dirtyAt: now },
      setWhere: sql`${leaderboardBoards.dirtyAt} <= ${leaderboardBoards.builtAt} AND ${leaderboardBoards.frozen} = 0`,
    });

  return {
    txId,
    statements: [ensureWallet, guardedUpdate, insertTx, readTx, readState, markBoard],
    result(results) {
      const tx = (results[3] as { id: string; balanceAfter: number }[])[0];
      if (tx) return { ok: true, balance: tx.balanceAfter, txId: tx.id, duplicate: tx.id !== txId };
      const state = (results[4] as { archived: boolean; balance: number | null }[])[0];
      if (!state) return { ok: false, reason: 'unknown_currency' };
      if (state.archived) return { ok: false, reason: 'archived' };
      return { ok: false, reason: credit ? 'max_balance' : 'insufficient' };
    },
  };
}

/** A transfer between two members of one currency (`/give`). */
export interface LedgerTransfer {
  guildId: string;
  currencyId: string;
  fromUserId: string;
  toUserId: string;
  amount: number;
  /** The two rows get `<key>:debit` and `<key>:credit`. */
  idempotencyKey: string;
  actorId: string;
  reason?: string;
}

/** What a transfer did: the sender's result (a refusal of the recipient's side is `max_balance`). */
export type TransferResult = { ok: true; duplicate: boolean; fromBalance: number; toBalance: number; fromTxId: string; toTxId: string } | { ok: false; reason: 'insufficient' | 'max_balance' | 'unknown_currency' | 'archived' };

/**
 * Moves `amount` from one wallet to another in one batch: the debit, the credit (only when
 * the debit happened), and a tripwire that inserts a zero-amount tx (refused by the ledger's
 * CHECK, rolling the whole batch back) when the debit happened but the credit did not, so
 * money is never destroyed or created by half a transfer.
 */
export async function applyTransfer(db: Db, transfer: LedgerTransfer): Promise<TransferResult> {
  const base = { guildId: transfer.guildId, currencyId: transfer.currencyId, amount: transfer.amount, source: 'transfer', actorId: transfer.actorId, reason: transfer.reason };
  const debit = prepareChange(db, { ...base, userId: transfer.fromUserId, direction: 'debit', idempotencyKey: `${transfer.idempotencyKey}:debit` });
  const credit = prepareChange(db, { ...base, userId: transfer.toUserId, direction: 'credit', idempotencyKey: `${transfer.idempotencyKey}:credit` }, newTxId(), debit.txId);
  const tripwire = db.insert(ledgerTx).select(
    sql`SELECT ${newTxId()}, ${transfer.guildId}, ${transfer.currencyId}, ${transfer.toUserId}, 0, 0, NULL, 'half transfer', 'transfer', ${`${transfer.idempotencyKey}:tripwire`}, 0, NULL, 0
      WHERE EXISTS (SELECT 1 FROM ledger_tx WHERE id = ${debit.txId}) AND NOT EXISTS (SELECT 1 FROM ledger_tx WHERE id = ${credit.txId})`,
  );
  let results: unknown[];
  try {
    results = [...(await db.batch([...debit.statements, ...credit.statements, tripwire] as unknown as Batch))] as unknown[];
  } catch (error) {
    if (/CHECK constraint failed/i.test(String((error as Error)?.message) + String((error as { cause?: Error })?.cause?.message))) return { ok: false, reason: 'max_balance' };
    throw error;
  }
  const n = STATEMENTS_PER_CHANGE;
  const from = debit.result(results.slice(0, n));
  if (!from.ok) return from;
  const to = credit.result(results.slice(n, 2 * n));
  if (!to.ok) return to;
  return { ok: true, duplicate: from.duplicate, fromBalance: from.balance, toBalance: to.balance, fromTxId: from.txId, toTxId: to.txId };
}

/** Statements of `change` to join another batch (read their outcome with `prepareChange`). */
export function ledgerStatements(db: Db, change: LedgerChange): BatchItem<'sqlite'>[] {
  return prepareChange(db, change).statements;
}

type Batch = Parameters<Db['batch']>[0];

/** Applies one change in one `db.batch`. */
export async function applyChange(db: Db, change: LedgerChange): Promise<LedgerResult> {
  const [result] = await applyChanges(db, [change]);
  return result!;
}

/** Changes per batch in `applyChanges` (`STATEMENTS_PER_CHANGE` statements each). */
export const CHANGES_PER_BATCH = 20;

/** Statements of one change. */
export const STATEMENTS_PER_CHANGE = 6;

/**
 * Applies many changes, `CHANGES_PER_BATCH` to a batch; each change is still guarded on its
 * own (one refused change does not stop the others in its batch), and results come back in
 * the order given.
 */
export async function applyChanges(db: Db, changes: readonly LedgerChange[]): Promise<LedgerResult[]> {
  const out: LedgerResult[] = [];
  for (let i = 0; i < changes.length; i += CHANGES_PER_BATCH) {
    const prepared = changes.slice(i, i + CHANGES_PER_BATCH).map((change) => prepareChange(db, change));
    const statements = prepared.flatMap((p) => p.statements);
    let results: unknown[];
    try {
      results = [...(await db.batch(statements as unknown as Batch))] as unknown[];
    } catch (error) {
      // Only a race the guard cannot see (two writers on another connection, libSQL replicas)
      // reaches the unique index: the batch rolled back whole, so run each change alone.
      if (!isUniqueViolation(error, 'ledger_tx')) throw error;
      if (prepared.length > 1) {
        for (const change of changes.slice(i, i + CHANGES_PER_BATCH)) out.push(await applyChange(db, change));
        continue;
      }
      const [first] = await db
        .select({ id: ledgerTx.id, balanceAfter: ledgerTx.balanceAfter })
        .from(ledgerTx)
        .where(and(eq(ledgerTx.guildId, changes[i]!.guildId), eq(ledgerTx.idempotencyKey, changes[i]!.idempotencyKey)));
      if (!first) throw error;
      out.push({ ok: true, balance: first.balanceAfter, txId: first.id, duplicate: true });
      continue;
    }
    prepared.forEach((p, k) => out.push(p.result(results.slice(k * STATEMENTS_PER_CHANGE, (k + 1) * STATEMENTS_PER_CHANGE))));
  }
  return out;
}
