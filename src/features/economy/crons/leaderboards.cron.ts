import { and, inArray } from 'drizzle-orm';
import { defineCron } from '../../../core/define';
import { ALL_TIME, dueBoards, rebuildBoard } from '../leaderboard.service';
import { currencies } from '../schema';
import { rollDueSeasons } from '../seasons.service';

/** Statements of one board rebuild (one batch) plus its share of the reads. */
const COST_PER_BOARD = 3;

/**
 * Every minute: rolls scheduled seasons that are due, then rebuilds the leaderboard snapshots
 * changed since their last build (at most one build a minute each). A board of a season that
 * has since been rolled is built one last time and frozen; a seasonal currency's all-time
 * board is rebuilt with its current one.
 */
export const leaderboardsCron = defineCron({
  name: 'economy-leaderboards',
  schedule: '* * * * *',
  handler: async (ctx) => {
    await rollDueSeasons(ctx.db, 5);
    const limit = ctx.budget.fit(COST_PER_BOARD, 50, 2);
    if (limit === 0) return { claimed: 0, done: 0, left: 0 };
    const boards = await dueBoards(ctx.db, limit);
    if (boards.length === 0) return { claimed: 0, done: 0, left: 0 };
    const ids = [...new Set(boards.map((b) => b.currencyId))];
    const rows = await ctx.db.select({ id: currencies.id, guildId: currencies.guildId, season: currencies.season, seasonal: currencies.seasonal }).from(currencies).where(and(inArray(currencies.id, ids)));
    const byId = new Map(rows.map((r) => [r.id, r]));
    let done = 0;
    for (const b of boards) {
      const c = byId.get(b.currencyId);
      if (!c || c.guildId !== b.guildId) continue;
      const old = c.seasonal && b.season !== ALL_TIME && b.season < c.season;
      await rebuildBoard(ctx.db, b, { freeze: old });
      if (c.seasonal && !old) await rebuildBoard(ctx.db, { ...b, season: ALL_TIME });
      done++;
    }
    return { claimed: boards.length, done, left: boards.length - done };
  },
});


