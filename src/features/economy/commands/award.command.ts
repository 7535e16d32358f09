import { defineCommand, opt } from '../../../core/define';
import type { CommandContext } from '../../../core/context';
import { amountOption, checkAmount, checkMember, requiredCurrencyOption, formatAmount, resolveCurrency } from '../economy.view';
import { applyStaffChange } from '../manage.service';
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
  const result = await applyStaffChange(ctx, { guildId: ctx.guild, actorId: ctx.user.id, currency, userId: o.member.id, amount: o.amount, direction, reason: o.reason, key: ctx.interaction.id });
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
