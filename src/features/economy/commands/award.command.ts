import { sql } from 'drizzle-orm';
import { defineCommand, opt } from '../../../core/define';
import type { CommandContext } from '../../../core/context';
import { UserError } from '../../../core/errors';
import { auditLog } from '../../../core/schema';
import { amountOption, checkAmount, checkMember, requiredCurrencyOption, formatAmount, refusal, resolveCurrency } from '../economy.view';
import { notifyCurrencyChanged, prepareChange, type LedgerChange } from '../public';
import type { UserOptionValue } from '../../../core/define';

const options = {
  member: opt.user('Who', { required: true }),
  amount: amountOption,
  currency: requiredCurrencyOption(),
  reason: opt.string('Why (kept in the ledger and the audit log)', { required: true, maxLength: 300 }),
};

/**
 * Staff credits and debits: one batch of the ledger change and its `audit_log` row, the
 * audit row inserted only when the change happened. Keyed by the interaction id.
 */
async function staffChange(ctx: CommandContext, direction: 'credit' | 'debit', o: { member: UserOptionValue; amount: number; currency: string; reason: string }) {
  checkAmount(o.amount);
  checkMember(ctx, o.member, direction === 'credit' ? 'award' : 'deduct from', { self: true });
  const currency = await resolveCurrency(ctx, o.currency);
  const change: LedgerChange = {
    guildId: ctx.guild,
    currencyId: currency.id,
    userId: o.member.id,
    amount: o.amount,
    direction,
    source: direction === 'credit' ? 'award' : 'correction',
    idempotencyKey: `${direction === 'credit' ? 'award' : 'deduct'}:${ctx.interaction.id}`,
    actorId: ctx.user.id,
    reason: o.reason,
  };
  const p = prepareChange(ctx.db, change);
  const after = JSON.stringify({ member: o.member.id, currency: currency.name, amount: direction === 'credit' ? o.amount : -o.amount, reason: o.reason, tx: p.txId });
  const audit = ctx.db
    .insert(auditLog)
    .select(sql`SELECT NULL, ${ctx.guild}, ${ctx.user.id}, ${`economy.${direction === 'credit' ? 'award' : 'deduct'}`}, NULL, ${after}, ${Date.now()} WHERE EXISTS (SELECT 1 FROM ledger_tx WHERE id = ${p.txId})`);
  const results = [...(await ctx.db.batch([...p.statements, audit] as never))] as unknown[];
  const result = p.result(results);
  if (!result.ok) throw new UserError(`${direction}_${result.reason}`, refusal(currency, result, `<@${o.member.id}>`));
  if (!result.duplicate) ctx.waitUntil(notifyCurrencyChanged(ctx, change, result));
  const verb = direction === 'credit' ? 'Awarded' : 'Deducted';
  return ctx.reply({ ephemeral: true, content: `${verb} ${formatAmount(currency, o.amount)} ${direction === 'credit' ? 'to' : 'from'} <@${o.member.id}>. Balance: ${formatAmount(currency, result.balance)}.` });
}

/** `/award member amount currency reason` (moderators). */
export const awardCommand = defineCommand({
  name: 'award',
  description: 'Give a member currency (staff; audited)',
  level: 'moderator',
  options,
  handler: (ctx, o) => staffChange(ctx, 'credit', o),
});

/** `/deduct member amount currency reason` (moderators). */
export const deductCommand = defineCommand({
  name: 'deduct',
  description: "Take currency from a member's balance (staff; audited)",
  level: 'moderator',
  options,
  handler: (ctx, o) => staffChange(ctx, 'debit', o),
});
