import { defineCommandGroup, opt, sub } from '../../../core/define';
import type { CommandContext } from '../../../core/context';
import { UserError } from '../../../core/errors';
import { currencyNameSchema, GuildCurrencies } from '../currencies.repo';
import { formatAmount, requiredCurrencyOption } from '../economy.view';
import { createCurrency, deleteCurrency, editCurrency, mustFindCurrency, type CurrencyPatch } from '../manage.service';
import type { Currency } from '../schema';

const LIMIT = 1_000_000_000_000;

function cleanName(raw: string): string {
  const parsed = currencyNameSchema.safeParse(raw);
  if (!parsed.success) throw new UserError('bad_currency_name', `\`${raw.slice(0, 40)}\` can't be a currency name: use 1–32 letters, digits, - or _.`);
  return parsed.data;
}

function positive(name: string, value: number | undefined, max = LIMIT): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0 || value > max) throw new UserError('bad_number', `\`${name}\` must be a whole number from 1 to ${max.toLocaleString('en-US')} (0 in edit: none).`);
  return value;
}

function describe(c: Currency): string {
  const bits = [c.kind === 'xp' ? 'earned only' : 'spendable'];
  if (c.seasonal) bits.push(`seasonal (season ${c.season})`);
  if (c.maxBalance) bits.push(`max ${c.maxBalance.toLocaleString('en-US')}`);
  if (c.allowNegative) bits.push('may go negative');
  if (c.dailyAmount) bits.push(`daily ${formatAmount(c, c.dailyAmount)} every ${Math.round(c.dailyCooldownS / 3600)} h`);
  if (c.archived) bits.push('**archived**');
  return `${c.emoji ? `${c.emoji} ` : ''}\`${c.name}\`: ${bits.join(', ')}`;
}

function mustFind(ctx: CommandContext, name: string): Promise<Currency> {
  return mustFindCurrency(ctx.db, ctx.guild, name);
}

/** `/currency create|edit|list|delete` (administrators; every change audited). */
export const currencyCommand = defineCommandGroup({
  name: 'currency',
  description: "Define the server's currencies",
  level: 'administrator',
  subcommands: {
    create: sub({
      description: 'Create a currency',
      options: {
        name: opt.string('Name (letters, digits, - and _)', { required: true, maxLength: 32 }),
        kind: opt.string('Spendable (given, claimed daily) or XP-like (earned only)', { choices: [{ name: 'spendable', value: 'spendable' }, { name: 'xp (earned only)', value: 'xp' }] }),
        emoji: opt.string('Emoji shown beside amounts', { maxLength: 64 }),
        seasonal: opt.boolean('Reset each season (`/season roll`); totals are kept'),
        max_balance: opt.integer('Largest balance a member may hold'),
        allow_negative: opt.boolean('Allow balances below zero (default no)'),
        daily: opt.integer('`/daily` reward (spendable only)'),
        daily_hours: opt.integer('Hours between daily claims (default 24)'),
      },
      handler: async (ctx, o) => {
        const name = cleanName(o.name);
        const kind = (o.kind ?? 'spendable') as 'spendable' | 'xp';
        if (o.daily !== undefined && kind !== 'spendable') throw new UserError('daily_xp', 'Only a spendable currency can have a daily reward.');
        const spec = {
          name,
          kind,
          emoji: o.emoji ?? null,
          seasonal: o.seasonal ?? false,
          maxBalance: positive('max_balance', o.max_balance) ?? null,
          allowNegative: o.allow_negative ?? false,
          dailyAmount: positive('daily', o.daily, 1_000_000_000) ?? null,
          dailyCooldownS: (positive('daily_hours', o.daily_hours, 720) ?? 24) * 3600,
        };
        const row = await createCurrency(ctx.db, ctx.config, ctx.user.id, spec);
        return ctx.reply({ ephemeral: true, content: `Created ${describe(row)}.` });
      },
    }),
    edit: sub({
      description: 'Change a currency',
      options: {
        currency: requiredCurrencyOption(),
        name: opt.string('New name', { maxLength: 32 }),
        emoji: opt.string('Emoji (`none` to clear)', { maxLength: 64 }),
        max_balance: opt.integer('Largest balance (0: no limit)'),
        allow_negative: opt.boolean('Allow balances below zero'),
        daily: opt.integer('`/daily` reward (0: none)'),
        daily_hours: opt.integer('Hours between daily claims'),
        archived: opt.boolean('Archive (no changes; may then be deleted) or restore'),
      },
      handler: async (ctx, o) => {
        const before = await mustFind(ctx, o.currency);
        const patch: CurrencyPatch = {};
        if (o.name !== undefined) patch.name = cleanName(o.name);
        if (o.emoji !== undefined) patch.emoji = o.emoji.trim().toLowerCase() === 'none' ? null : o.emoji;
        if (o.max_balance !== undefined) patch.maxBalance = o.max_balance === 0 ? null : positive('max_balance', o.max_balance)!;
        if (o.allow_negative !== undefined) patch.allowNegative = o.allow_negative;
        if (o.daily !== undefined) {
          if (o.daily !== 0 && before.kind !== 'spendable') throw new UserError('daily_xp', 'Only a spendable currency can have a daily reward.');
          patch.dailyAmount = o.daily === 0 ? null : positive('daily', o.daily, 1_000_000_000)!;
        }
        if (o.daily_hours !== undefined) patch.dailyCooldownS = positive('daily_hours', o.daily_hours, 720)! * 3600;
        if (o.archived !== undefined) patch.archived = o.archived;
        const row = await editCurrency(ctx.db, ctx.config, ctx.user.id, before, patch);
        return ctx.reply({ ephemeral: true, content: `Updated ${describe(row)}.` });
      },
    }),
    list: sub({
      description: "List the server's currencies",
      level: 'everyone',
      handler: async (ctx) => {
        const rows = await new GuildCurrencies(ctx.db, ctx.guild).list();
        return ctx.reply({ ephemeral: true, content: rows.length ? rows.map(describe).join('\n') : 'No currencies yet: `/currency create`.' });
      },
    }),
    delete: sub({
      description: 'Delete a currency that was never used, or is archived',
      options: { currency: requiredCurrencyOption() },
      handler: async (ctx, o) => {
        const c = await mustFind(ctx, o.currency);
        await deleteCurrency(ctx.db, ctx.config, ctx.user.id, c);
        return ctx.reply({ ephemeral: true, content: `Deleted \`${c.name}\` and its wallets. Its ledger rows are kept.` });
      },
    }),
  },
});
