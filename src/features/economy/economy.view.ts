/**
 * What the economy's commands share: amount and currency checks that answer bad input with a
 * `UserError` before anything is written, currency autocomplete, and how amounts read.
 */
import type { AutocompleteContext, InteractionContext } from '../../core/context';
import { opt, type UserOptionValue } from '../../core/define';
import { UserError } from '../../core/errors';
import { GuildCurrencies } from './currencies.repo';
import { MAX_CHANGE, type LedgerResult } from './ledger';
import type { Currency } from './schema';

/** Currency names for autocomplete (archived ones left out). */
export async function suggestCurrencies(ctx: AutocompleteContext, typed: string) {
  if (!ctx.guildId) return [];
  const needle = typed.trim().toLowerCase();
  const rows = await new GuildCurrencies(ctx.db, ctx.guildId).list();
  return rows
    .filter((c) => !c.archived && c.name.includes(needle))
    .slice(0, 25)
    .map((c) => ({ name: `${c.emoji ? `${c.emoji} ` : ''}${c.name} (${c.kind})`, value: c.name }));
}

/** An optional currency option with autocomplete. */
export function currencyOption(description = 'Which currency') {
  return opt.string(description, { maxLength: 40, autocomplete: suggestCurrencies });
}

/** A required currency option with autocomplete. */
export function requiredCurrencyOption(description = 'Which currency') {
  return opt.string(description, { required: true, maxLength: 40, autocomplete: suggestCurrencies });
}

/** An amount option (checked again by `checkAmount`: the client is never trusted). */
export const amountOption = opt.integer('How much (a whole number from 1)', { required: true });

/** Refuses zero, negative, fractional and huge amounts. */
export function checkAmount(amount: number): number {
  if (!Number.isInteger(amount)) throw new UserError('bad_amount', 'The amount must be a whole number.');
  if (amount <= 0) throw new UserError('bad_amount', 'The amount must be at least 1.');
  if (amount > MAX_CHANGE) throw new UserError('bad_amount', `The amount can be at most ${MAX_CHANGE.toLocaleString('en-US')}.`);
  return amount;
}

/**
 * The currency `name` names, or the guild's only one that fits when `name` is omitted.
 * `spendable`: refuse XP-like currencies. Archived currencies are refused.
 */
export async function resolveCurrency(ctx: InteractionContext, name: string | undefined, options: { spendable?: boolean; cached?: boolean } = {}): Promise<Currency> {
  const repo = new GuildCurrencies(ctx.db, ctx.guild);
  let currency: Currency | undefined;
  if (options.cached) {
    // Displays only: the isolate's list, at most CURRENCIES_TTL_MS old (no round trip).
    const all = await repo.cachedList();
    const key = name?.trim();
    currency = key ? all.find((c) => c.id === key || c.name === key.toLowerCase()) : undefined;
    if (key && !currency) currency = await repo.find(key);
    if (!key) {
      const fits = all.filter((c) => !c.archived && (!options.spendable || c.kind === 'spendable'));
      if (fits.length === 1) currency = fits[0];
    }
  }
  if (currency) {
    // Resolved from the cached list.
  } else if (name) {
    currency = await repo.find(name);
    if (!currency) throw new UserError('unknown_currency', `There is no currency \`${name.trim().slice(0, 40)}\`. See \`/currency list\`.`);
  } else {
    const fits = (await repo.list()).filter((c) => !c.archived && (!options.spendable || c.kind === 'spendable'));
    if (fits.length === 0) throw new UserError('no_currency', options.spendable ? 'This server has no spendable currency yet. An administrator can add one with `/currency create`.' : 'This server has no currency yet. An administrator can add one with `/currency create`.');
    if (fits.length > 1) throw new UserError('which_currency', `Say which currency: ${fits.map((c) => `\`${c.name}\``).join(', ')}.`);
    currency = fits[0]!;
  }
  if (currency.archived) throw new UserError('archived_currency', `The currency \`${currency.name}\` is archived.`);
  if (options.spendable && currency.kind !== 'spendable') throw new UserError('not_spendable', `\`${currency.name}\` is earned, not spent: it can't be given or claimed.`);
  return currency;
}

/** Refuses bots, and yourself unless `self` is allowed. */
export function checkMember(ctx: InteractionContext, member: UserOptionValue, what: string, options: { self?: boolean } = {}): void {
  if (member.user.bot) throw new UserError('bot_target', `Bots don't hold currency: pick a member to ${what}.`);
  if (!options.self && member.id === ctx.user.id) throw new UserError('self_target', `You can't ${what} yourself.`);
  if (!member.member) throw new UserError('not_member', `<@${member.id}> isn't a member of this server.`);
}

/**
 * `1234567` → `1,234,567` (as `toLocaleString('en-US')` for integers, without ICU: that call
 * was a tenth of a `/leaderboard`'s CPU in workerd).
 */
export function groupDigits(n: number): string {
  const text = String(Math.trunc(Math.abs(n)));
  let out = '';
  for (let i = 0; i < text.length; i++) out += (i > 0 && (text.length - i) % 3 === 0 ? ',' : '') + text[i];
  return (n < 0 ? '-' : '') + out;
}

/** `🪙 1,234 coins`. */
export function formatAmount(currency: Pick<Currency, 'emoji' | 'name'>, amount: number): string {
  return `${currency.emoji ? `${currency.emoji} ` : ''}${groupDigits(amount)} ${currency.name}`;
}

/** A sentence for a refused change. */
export function refusal(currency: Currency, result: Extract<LedgerResult, { ok: false }>, who = 'You'): string {
  switch (result.reason) {
    case 'insufficient':
      return `${who === 'You' ? "You don't" : `${who} doesn't`} have enough ${currency.name}.`;
    case 'max_balance':
      return `That would take the balance past the maximum of ${formatAmount(currency, currency.maxBalance ?? 0)}.`;
    case 'archived':
      return `The currency \`${currency.name}\` is archived.`;
    case 'unknown_currency':
      return `The currency \`${currency.name}\` no longer exists.`;
  }
}
