/**
 * The economy's administrative changes, shared by the slash commands and the dashboard API
 * (one implementation): currencies (create, edit, delete) and staff awards and deductions.
 * Each is audited with before and after; bad input and refusals are `UserError`s with a code
 * (the commands answer them ephemerally, the API maps them to 4xx).
 */
import { sql } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import { UserError } from '../../core/errors';
import type { GuildConfig } from '../../core/guild-config.repo';
import { auditLog } from '../../core/schema';
import type { Db } from '../../db/client';
import { GuildCurrencies, type CurrencySpec } from './currencies.repo';
import { refusal } from './economy.view';
import { prepareChange, type LedgerChange, type LedgerResult } from './ledger';
import { notifyCurrencyChanged } from './public';
import { GuildMilestones } from './milestones.service';
import type { Currency, MilestoneRow } from './schema';
import { rollSeason, type Rolled } from './seasons.service';

/** What `/currency edit` and the API may change. */
export type CurrencyPatch = Partial<Pick<Currency, 'name' | 'emoji' | 'maxBalance' | 'allowNegative' | 'dailyAmount' | 'dailyCooldownS' | 'archived' | 'levelCurve'>>;

/** The audited view of a currency (what an edit can change, plus its identity). */
function auditView(c: Currency): Record<string, unknown> {
  return { id: c.id, name: c.name, emoji: c.emoji, kind: c.kind, seasonal: c.seasonal, maxBalance: c.maxBalance, allowNegative: c.allowNegative, dailyAmount: c.dailyAmount, dailyCooldownS: c.dailyCooldownS, archived: c.archived, levelCurve: c.levelCurve };
}

/** A currency of the guild by id or name, or `unknown_currency`. */
export async function mustFindCurrency(db: Db, guildId: string, nameOrId: string): Promise<Currency> {
  const c = await new GuildCurrencies(db, guildId).find(nameOrId);
  if (!c) throw new UserError('unknown_currency', `There is no currency \`${nameOrId.trim().slice(0, 40)}\`. See \`/currency list\`.`);
  return c;
}

/** Creates a currency (audited). `currency_exists`, `daily_xp` on bad input. */
export async function createCurrency(db: Db, config: GuildConfig, actorId: string, spec: CurrencySpec): Promise<Currency> {
  if (spec.dailyAmount != null && (spec.kind ?? 'spendable') !== 'spendable') throw new UserError('daily_xp', 'Only a spendable currency can have a daily reward.');
  const row = await new GuildCurrencies(db, config.guildId).create(actorId, spec);
  if (!row) throw new UserError('currency_exists', `A currency named \`${spec.name}\` already exists. Change it with \`/currency edit\`.`);
  await config.audited(actorId, 'economy.currency.create', null, auditView(row));
  return row;
}

/** Edits a currency (audited with the changed keys' before and after values). */
export async function editCurrency(db: Db, config: GuildConfig, actorId: string, before: Currency, patch: CurrencyPatch): Promise<Currency> {
  if (Object.keys(patch).length === 0) throw new UserError('nothing_to_change', 'Say what to change.');
  if (patch.dailyAmount != null && before.kind !== 'spendable') throw new UserError('daily_xp', 'Only a spendable currency can have a daily reward.');
  let row: Currency | null;
  try {
    row = await new GuildCurrencies(db, config.guildId).edit(before.id, patch);
  } catch (error) {
    const text = String((error as Error)?.message) + String((error as { cause?: Error })?.cause?.message);
    if (/CHECK constraint failed/i.test(text)) throw new UserError('negative_wallets', 'Some members are below zero: bring their balances up (`/award`) before forbidding negative balances.');
    if (/UNIQUE constraint failed/i.test(text)) throw new UserError('currency_exists', `A currency named \`${patch.name}\` already exists.`);
    throw error;
  }
  if (!row) throw new UserError('unknown_currency', 'That currency was just deleted.');
  const was = auditView(before);
  await config.audited(actorId, 'economy.currency.edit', { id: before.id, name: before.name, ...Object.fromEntries(Object.keys(patch).map((k) => [k, was[k]])) }, { id: row.id, name: row.name, ...patch });
  return row;
}

/** Deletes a currency that was never used or is archived (audited); `currency_in_use` otherwise. */
export async function deleteCurrency(db: Db, config: GuildConfig, actorId: string, c: Currency): Promise<void> {
  const deleted = await new GuildCurrencies(db, config.guildId).delete(c.id);
  if (!deleted) throw new UserError('currency_in_use', `\`${c.name}\` has been used: archive it first (\`/currency edit archived:True\`), then delete it. Its ledger stays.`);
  await config.audited(actorId, 'economy.currency.delete', auditView(c), null);
}

/** A staff award or deduction. `key` makes it idempotent (an interaction id, a dashboard key). */
export interface StaffChange {
  guildId: string;
  actorId: string;
  currency: Currency;
  userId: string;
  amount: number;
  direction: 'credit' | 'debit';
  reason: string;
  /** The ledger's idempotency key: `award:<key>` / `deduct:<key>`. */
  key: string;
}

/**
 * Applies a staff award or deduction: one batch of the ledger change and its `audit_log` row
 * (before and after balance, read from the new ledger row, inserted only when the change
 * happened). A repeated key moves nothing and writes no second audit row. Refusals (not
 * enough balance, the maximum, archived) are `UserError`s. Runs `currency_changed` after.
 */
export async function applyStaffChange(ctx: BaseContext, s: StaffChange): Promise<Extract<LedgerResult, { ok: true }>> {
  const verb = s.direction === 'credit' ? 'award' : 'deduct';
  const change: LedgerChange = {
    guildId: s.guildId,
    currencyId: s.currency.id,
    userId: s.userId,
    amount: s.amount,
    direction: s.direction,
    source: s.direction === 'credit' ? 'award' : 'correction',
    idempotencyKey: `${verb}:${s.key}`,
    actorId: s.actorId,
    reason: s.reason,
  };
  const p = prepareChange(ctx.db, change);
  const signed = s.direction === 'credit' ? s.amount : -s.amount;
  const audit = ctx.db.insert(auditLog).select(
    sql`SELECT NULL, ${s.guildId}, ${s.actorId}, ${`economy.${verb}`},
      json_object('member', user_id, 'currency', ${s.currency.name}, 'balance', balance_after - amount),
      json_object('member', user_id, 'currency', ${s.currency.name}, 'balance', balance_after, 'amount', ${signed}, 'reason', ${s.reason}, 'tx', id),
      ${Date.now()}
      FROM ledger_tx WHERE id = ${p.txId}`,
  );
  const results = [...(await ctx.db.batch([...p.statements, audit] as never))] as unknown[];
  const result = p.result(results);
  if (!result.ok) throw new UserError(`${s.direction}_${result.reason}`, refusal(s.currency, result, `<@${s.userId}>`));
  if (!result.duplicate) ctx.waitUntil(notifyCurrencyChanged(ctx, change, result));
  return result;
}

/** Ends the open season and starts the next (audited), as `/season roll`. */
export async function rollSeasonAudited(db: Db, config: GuildConfig, actorId: string): Promise<Rolled> {
  const rolled = await rollSeason(db, config.guildId, actorId);
  await config.audited(actorId, 'economy.season.roll', { season: rolled.ended }, { season: rolled.started, currencies: rolled.currencyIds });
  return rolled;
}

/** A milestone as `/milestone create` takes it (names resolved to currencies here). */
export interface MilestoneInput {
  name: string;
  threshold: number;
  /** A balance milestone's currency (name or id); none: a message count. */
  currency?: string | null;
  roleId?: string | null;
  rewardCurrency?: string | null;
  rewardAmount?: number | null;
  channelId?: string | null;
}

/** Creates a milestone (audited). Bad input: `UserError`s whose message starts with the field's name. */
export async function createMilestone(db: Db, config: GuildConfig, actorId: string, o: MilestoneInput): Promise<{ row: MilestoneRow; currency?: Currency; reward?: Currency }> {
  const name = o.name.trim().toLowerCase();
  if (!/^[\p{L}\p{N} _-]{1,32}$/u.test(name)) throw new UserError('bad_name', 'name: A milestone name is 1–32 letters, digits, spaces, - or _.');
  if (!Number.isInteger(o.threshold) || o.threshold < 1 || o.threshold > 1_000_000_000_000) throw new UserError('bad_threshold', 'threshold: The threshold is a whole number from 1.');
  const repo = new GuildCurrencies(db, config.guildId);
  const currency = o.currency ? await repo.find(o.currency) : undefined;
  if (o.currency && !currency) throw new UserError('unknown_milestone_currency', `currency: There is no currency \`${o.currency.slice(0, 40)}\`.`);
  const reward = o.rewardCurrency ? await repo.find(o.rewardCurrency) : undefined;
  if (o.rewardCurrency && !reward) throw new UserError('unknown_milestone_currency', `rewardCurrency: There is no currency \`${o.rewardCurrency.slice(0, 40)}\`.`);
  if ((reward === undefined) !== (o.rewardAmount == null)) throw new UserError('reward_pair', 'rewardAmount: Give both a reward currency and a reward amount, or neither.');
  if (o.rewardAmount != null && (!Number.isInteger(o.rewardAmount) || o.rewardAmount < 1 || o.rewardAmount > 1_000_000_000)) throw new UserError('bad_amount', 'rewardAmount: The reward is a whole number from 1 to 1,000,000,000.');
  const row = await new GuildMilestones(db, config.guildId).create({
    name,
    kind: currency ? 'wallet' : 'events',
    currencyId: currency?.id ?? null,
    eventType: currency ? null : 'MESSAGE_CREATE',
    threshold: o.threshold,
    roleId: o.roleId ?? null,
    rewardCurrencyId: reward?.id ?? null,
    rewardAmount: o.rewardAmount ?? null,
    announceChannelId: o.channelId ?? null,
    createdBy: actorId,
  });
  if (!row) throw new UserError('milestone_exists', `A milestone named \`${name}\` already exists.`);
  await config.audited(actorId, 'economy.milestone.create', null, { id: row.id, name, threshold: o.threshold, currency: currency?.name ?? 'messages', roleId: row.roleId, reward: reward ? { currency: reward.name, amount: row.rewardAmount } : null, channelId: row.announceChannelId });
  return { row, ...(currency ? { currency } : {}), ...(reward ? { reward } : {}) };
}
