import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { GuildCurrencies, currentSeason } from '../currencies.repo';
import { readBoard } from '../leaderboard.service';
import { findSeason, listSeasons, setSchedule } from '../seasons.service';
import { rollSeasonAudited } from '../manage.service';

const day = (ms: number) => `<t:${Math.floor(ms / 1000)}:d>`;

/** `/season roll|schedule` (administrators), `/season list|show` (everyone). */
export const seasonCommand = defineCommandGroup({
  name: 'season',
  description: 'Seasons of the seasonal currencies',
  subcommands: {
    roll: sub({
      description: 'End this season (its boards are frozen) and start the next; seasonal balances start at 0',
      level: 'administrator',
      options: { confirm: opt.boolean('Yes, roll the season now', { required: true }) },
      handler: async (ctx, { confirm }) => {
        if (!confirm) throw new UserError('not_confirmed', 'Nothing rolled: set `confirm` to True to roll the season.');
        const rolled = await rollSeasonAudited(ctx.db, ctx.config, ctx.user.id);
        return ctx.reply({ ephemeral: true, content: `Season ${rolled.ended} ended (${rolled.currencyIds.length} seasonal currencies; final boards kept: \`/season show ${rolled.ended}\`). Season ${rolled.started} has begun.` });
      },
    }),
    schedule: sub({
      description: 'Roll the season automatically every N days (0: off)',
      level: 'administrator',
      options: { every_days: opt.integer('Days between rolls (0 turns it off)', { required: true }) },
      handler: async (ctx, { every_days }) => {
        if (!Number.isInteger(every_days) || every_days < 0 || every_days > 366) throw new UserError('bad_days', '`every_days` is a whole number from 0 to 366.');
        const next = await setSchedule(ctx.db, ctx.guild, every_days);
        await ctx.config.audited(ctx.user.id, 'economy.season.schedule', null, { everyDays: every_days });
        return ctx.reply({ ephemeral: true, content: next ? `The season will roll every ${every_days} days; next ${day(next)}.` : 'Automatic season rolls are off.' });
      },
    }),
    list: sub({
      description: "The server's seasons",
      handler: async (ctx) => {
        const rows = await listSeasons(ctx.db, ctx.guild);
        if (rows.length === 0) return ctx.reply({ ephemeral: true, content: 'No seasons yet: create a seasonal currency (`/currency create seasonal:True`).' });
        const lines = rows.map((s) => `**Season ${s.number}**: ${day(s.startedAt)} → ${s.endedAt ? day(s.endedAt) : 'now'}`);
        return ctx.reply({ ephemeral: true, content: lines.join('\n') });
      },
    }),
    show: sub({
      description: "A season's final (or current) top 10 of each seasonal currency",
      options: { number: opt.integer('Season number (default: the current one)') },
      handler: async (ctx, { number }) => {
        const n = number ?? (await currentSeason(ctx.db, ctx.guild));
        const season = await findSeason(ctx.db, ctx.guild, n);
        if (!season) throw new UserError('unknown_season', `There is no season ${n}. See \`/season list\`.`);
        const seasonal = (await new GuildCurrencies(ctx.db, ctx.guild).list()).filter((c) => c.seasonal);
        const fields = await Promise.all(
          seasonal.map(async (c) => {
            const board = await readBoard(ctx.db, { guildId: ctx.guild, currencyId: c.id, season: n }, 0, ctx.user.id);
            const top = board.rows.map((r) => `#${r.rank} <@${r.userId}> · ${r.balance.toLocaleString('en-US')}`).join('\n') || 'Nobody.';
            const own = board.own ? `\nYou: #${board.own.rank} (${board.own.balance.toLocaleString('en-US')})` : '';
            return { name: `${c.emoji ? `${c.emoji} ` : ''}${c.name}${board.frozen ? ' (final)' : ''}`, value: (top + own).slice(0, 1024) };
          }),
        );
        return ctx.reply({
          ephemeral: true,
          embeds: [{ title: `Season ${n}`, description: `${day(season.startedAt)} → ${season.endedAt ? day(season.endedAt) : 'now'}`, fields: fields.slice(0, 25) }],
        });
      },
    }),
  },
});
