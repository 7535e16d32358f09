/**
 * Quota points: the economy currency `quota` (kind xp, negatives allowed so a correction can
 * go below zero), written only through `economy/public.ts`. Amounts are hundredths of a point
 * (a weight of 1.5 credits 150), because the ledger moves whole numbers; everything shown
 * divides by 100 (`formatPoints`).
 *
 * Every quota transaction carries its `period` key (`quota-period.ts`): a run credits the
 * period it ended in, with the idempotency key `run:<runId>`, so ending twice credits once; an
 * adjustment carries `quota-adjust:<interaction id>` and its audit row commits in the same
 * batch, only when the ledger row does.
 */
import { sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { GuildConfig } from '../../core/guild-config.repo';
import { auditLog } from '../../core/schema';
import type { Db } from '../../db/client';
import { ensureCurrency, findCurrency, ledgerStatements, periodTotal, prepareChange, type Currency, type LedgerChange, type LedgerResult } from '../economy/public';
import { RUNS_KEY, runsSettingsSchema, type RunsSettings } from './config';
import { periodAt, type Period, type PeriodRule } from './quota-period';

/** The quota currency's spec. */
export const QUOTA_CURRENCY = { name: 'quota', emoji: '📋', kind: 'xp', allowNegative: true } as const;

/** A run's credit to its organizer. */
export interface RunCredit {
  guildId: string;
  userId: string;
  runId: string;
  /** Hundredths of a point. */
  amount: number;
  at: number;
  activity: string;
}

/** The period rule of a guild's settings. */
export function ruleOf(settings: RunsSettings): PeriodRule {
  return { period: settings.quota.period, resetDay: settings.quota.resetDay, resetHour: settings.quota.resetHour, timezone: settings.timezone };
}

/** The guild's quota currency (created on first use). */
export function quotaCurrency(db: Db, guildId: string): Promise<Currency> {
  return ensureCurrency(db, guildId, QUOTA_CURRENCY);
}

/** The ledger statements crediting a run's organizer (joined to the run's end batch). */
export async function quotaCreditStatements(db: Db, credit: RunCredit): Promise<BatchItem<'sqlite'>[]> {
  const settings = await new GuildConfig(db, credit.guildId).settings(RUNS_KEY, runsSettingsSchema);
  const currency = await quotaCurrency(db, credit.guildId);
  return ledgerStatements(db, {
    guildId: credit.guildId,
    currencyId: currency.id,
    userId: credit.userId,
    amount: credit.amount,
    direction: 'credit',
    source: 'run',
    idempotencyKey: `run:${credit.runId}`,
    actorId: null,
    reason: `Run: ${credit.activity}`.slice(0, 200),
    period: periodAt(ruleOf(settings), credit.at).key,
  });
}

/** What an adjustment takes. */
export interface Adjustment {
  guildId: string;
  actorId: string;
  userId: string;
  /** Signed hundredths, within ±MAX_ADJUST, not zero (checked by the command). */
  points: number;
  reason: string;
  /** The interaction id: a retried command adjusts once. */
  sourceId: string;
}

/** Adjusts a member's points in the current period; the audit row commits only with the ledger row. */
export async function adjustQuota(db: Db, settings: RunsSettings, input: Adjustment, now = Date.now()): Promise<{ result: LedgerResult; period: Period }> {
  const currency = await quotaCurrency(db, input.guildId);
  const period = periodAt(ruleOf(settings), now);
  const change: LedgerChange = {
    guildId: input.guildId,
    currencyId: currency.id,
    userId: input.userId,
    amount: Math.abs(input.points),
    direction: input.points > 0 ? 'credit' : 'debit',
    source: 'quota',
    idempotencyKey: `quota-adjust:${input.sourceId}`,
    actorId: input.actorId,
    reason: input.reason.slice(0, 200),
    period: period.key,
  };
  const prepared = prepareChange(db, change);
  const after = JSON.stringify({ userId: input.userId, points: input.points, period: period.key, reason: input.reason, txId: prepared.txId });
  const audit = db
    .insert(auditLog)
    .select(sql`select null, ${input.guildId}, ${input.actorId}, 'quota.adjust', null, ${after}, ${now} where exists (select 1 from ledger_tx where id = ${prepared.txId})`);
  const results = await db.batch([...prepared.statements, audit] as unknown as Parameters<Db['batch']>[0]);
  return { result: prepared.result([...results].slice(0, prepared.statements.length)), period };
}

/** One row of a leaderboard. */
export interface Standing {
  userId: string;
  points: number;
}

/** Everyone's points in `periodKey`, highest first. */
export async function standings(db: Db, guildId: string, periodKey: string): Promise<Standing[]> {
  const currency = await findCurrency(db, guildId, QUOTA_CURRENCY.name);
  if (!currency) return [];
  const rows = await periodTotal(db, guildId, currency.id, periodKey);
  return rows.map((r) => ({ userId: r.userId, points: r.total })).sort((a, b) => b.points - a.points || a.userId.localeCompare(b.userId));
}

/** One member's points in `periodKey`. */
export async function pointsOf(db: Db, guildId: string, userId: string, periodKey: string): Promise<number> {
  const currency = await findCurrency(db, guildId, QUOTA_CURRENCY.name);
  return currency ? periodTotal(db, guildId, currency.id, periodKey, userId) : 0;
}

/** The points a member must reach: the highest requirement among their roles (null: none). */
export function requiredFor(settings: RunsSettings, roleIds: readonly string[]): number | null {
  let best: number | null = null;
  for (const id of roleIds) {
    const need = settings.quota.roles[id];
    if (need !== undefined && (best === null || need > best)) best = need;
  }
  return best;
}
