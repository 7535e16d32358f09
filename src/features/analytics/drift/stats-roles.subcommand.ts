/**
 * `/stats roles [accept]`: the drift of the dangerous roles and their holders since the
 * baseline; `accept:True` (managers: the owner, Administrator or Manage Server) makes the
 * current state the new baseline, audited.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { GuildDrift } from './drift.repo';
import { acceptBaseline, describeItem } from './drift.service';

const MAX_LINES = 25;

export const statsRolesSubcommand = sub({
  description: 'Dangerous roles and who holds them: what changed since the baseline',
  level: 'moderator',
  options: { accept: opt.boolean('Make the current state the new baseline (managers)') },
  handler: async (ctx, { accept }) => {
    if (accept) {
      const perms = BigInt(ctx.member?.permissions ?? '0');
      const manager = (await ctx.level()) === 'administrator' || (perms & PermissionFlagsBits.ManageGuild) !== 0n;
      if (!manager) throw new UserError('drift_not_manager', 'Only the server’s managers (Manage Server) may accept a new baseline.');
      const cleared = await acceptBaseline(ctx.db, ctx.config, ctx.guild, ctx.user.id, 'command');
      return ctx.reply({ content: `The current state is the new baseline (${cleared} difference${cleared === 1 ? '' : 's'} accepted).`, ephemeral: true });
    }
    const report = await new GuildDrift(ctx.db, ctx.guild).drift();
    if (report.baselineAt === null) return ctx.reply({ content: 'No baseline yet: the nightly check takes the first one (dangerous roles and who holds them).', ephemeral: true });
    const since = `<t:${Math.floor(report.baselineAt / 1000)}:R>`;
    if (!report.items.length) return ctx.reply({ content: `No drift since the baseline (${since}): ${report.roles} dangerous role(s), ${report.holders} holder(s).`, ephemeral: true });
    const lines = report.items.slice(0, MAX_LINES).map((i) => `• ${describeItem(i)}`);
    if (report.items.length > MAX_LINES) lines.push(`…and ${report.items.length - MAX_LINES} more (the dashboard's Role drift page lists them all).`);
    return ctx.reply({
      embeds: [{ title: `Role drift since the baseline`, description: `Baseline taken ${since}.\n${lines.join('\n')}`.slice(0, 4000), color: 0xe67e22 }],
      ephemeral: true,
    });
  },
});
