/**
 * The leaderboard message: one page of a board from the snapshot, the caller's own rank, and
 * Previous/Next buttons that only the caller can press.
 */
import type { InteractionContext, MessageData } from '../../core/context';
import { pagerRow } from '../../core/pager';
import { UserError } from '../../core/errors';
import { groupDigits, resolveCurrency } from './economy.view';
import { ALL_TIME, PAGE_SIZE, readBoard } from './leaderboard.service';
import type { Currency } from './schema';

/** The key of the leaderboard's page buttons. */
export const LEADERBOARD_PAGE = 'economy.board';

/** Which season a `season` option names: a number, `all`, or (empty) the current one. */
export function boardSeason(currency: Currency, raw: string | undefined): number {
  const text = raw?.trim().toLowerCase();
  if (!text || text === 'current') return currency.season;
  if (text === 'all' || text === 'all-time') return currency.seasonal ? ALL_TIME : 0;
  const n = Number(text.replace(/^s(eason)?\s*/, ''));
  if (!Number.isInteger(n) || n < 1) throw new UserError('bad_season', 'A season is a number (see `/season list`), `current` or `all`.');
  if (!currency.seasonal) throw new UserError('not_seasonal', `\`${currency.name}\` isn't seasonal: its board has no seasons.`);
  if (n > currency.season) throw new UserError('future_season', `Season ${n} hasn't started: this is season ${currency.season}.`);
  return n;
}

/** Renders page `page` of the board of `currency` in `season`, for the invoker. */
export async function leaderboardMessage(ctx: InteractionContext, currency: Currency, season: number, page: number): Promise<MessageData> {
  const board = await readBoard(ctx.db, { guildId: ctx.guild, currencyId: currency.id, season }, page, ctx.user.id);
  const pages = Math.max(1, Math.ceil(board.entries / PAGE_SIZE));
  const title = `${currency.emoji ? `${currency.emoji} ` : ''}${currency.name}${season === ALL_TIME ? ' · all-time' : currency.seasonal ? ` · season ${season}${board.frozen ? ' (final)' : ''}` : ''}`;
  const lines = board.rows.map((r) => `**#${r.rank}** <@${r.userId}> · ${groupDigits(r.balance)}`);
  const own = board.own ? `Your rank: **#${board.own.rank}** of ${board.entries} (${groupDigits(board.own.balance)})` : 'You are not on this board (no balance, or hidden with `/leaderboard-privacy`).';
  const updated = board.builtAt ? ` · updated <t:${Math.floor(board.builtAt / 1000)}:R>` : '';
  return {
    ephemeral: true,
    embeds: [
      {
        title,
        description: lines.length ? lines.join('\n') : board.builtAt ? 'Nobody is on this board yet.' : 'This board is being built: it refreshes every minute.',
        footer: { text: `Page ${Math.min(page + 1, pages)} of ${pages}` },
        fields: [{ name: 'You', value: own + updated }],
      },
    ],
    components: pagerRow(LEADERBOARD_PAGE, ctx.user.id, [currency.id, String(season)], page, pages),
  };
}

/** Resolves the currency of a leaderboard (any kind, not archived). */
export async function boardCurrency(ctx: InteractionContext, name: string | undefined): Promise<Currency> {
  return resolveCurrency(ctx, name, { cached: true });
}
