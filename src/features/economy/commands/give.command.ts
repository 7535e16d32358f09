import { defineCommand, opt } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { amountOption, checkAmount, checkMember, currencyOption, formatAmount, refusal, resolveCurrency } from '../economy.view';
import { applyTransfer, notifyCurrencyChanged } from '../public';

/**
 * `/give member amount [currency]`: a transfer of a spendable currency to another member, in
 * one batch keyed by the interaction id, so a retried interaction moves money once.
 */
export const giveCommand = defineCommand({
  name: 'give',
  description: 'Give some of your currency to another member',
  options: { member: opt.user('Who gets it', { required: true }), amount: amountOption, currency: currencyOption() },
  handler: async (ctx, { member, amount, currency: name }) => {
    checkAmount(amount);
    checkMember(ctx, member, 'give to');
    const currency = await resolveCurrency(ctx, name, { spendable: true });
    const result = await applyTransfer(ctx.db, {
      guildId: ctx.guild,
      currencyId: currency.id,
      fromUserId: ctx.user.id,
      toUserId: member.id,
      amount,
      idempotencyKey: `give:${ctx.interaction.id}`,
      actorId: ctx.user.id,
      reason: `/give to ${member.id}`,
    });
    if (!result.ok) {
      throw new UserError(`give_${result.reason}`, result.reason === 'max_balance' ? `<@${member.id}> can't hold that much: ${refusal(currency, result)}` : refusal(currency, result));
    }
    if (!result.duplicate) {
      const change = { guildId: ctx.guild, currencyId: currency.id, amount, source: 'transfer', idempotencyKey: `give:${ctx.interaction.id}:credit`, actorId: ctx.user.id } as const;
      ctx.waitUntil(notifyCurrencyChanged(ctx, { ...change, userId: member.id, direction: 'credit' }, { ok: true, balance: result.toBalance, txId: result.toTxId, duplicate: false }));
    }
    return ctx.reply({
      content: `<@${ctx.user.id}> gave ${formatAmount(currency, amount)} to <@${member.id}>. Your balance: ${formatAmount(currency, result.fromBalance)}.`,
      allowed_mentions: { users: [member.id] },
    });
  },
});
