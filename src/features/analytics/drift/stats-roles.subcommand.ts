/**
 * `/stats roles show`: the drift of the dangerous roles and their holders since the baseline;
 * `/stats roles accept` (managers: the owner, Administrator or Manage Server) makes the current
 * state the new baseline, audited. (Discord cannot run a group by itself, so "show" is named.)
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { sub, type SubcommandGroup } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { GuildDrift } from './drift.repo';
import { acceptBaseline, describeItem } from './drift.service';

const MAX_LINES = 25;

export const statsRolesShow = sub({
  description: 'Dangerous roles and who holds them: what changed since the baseline',
  level: 'moderator',
  handler: async (ctx) => {
    const report = await new GuildDrift(ctx.db, ctx.guild).drift();
    if (report.baselineAt === null) return ctx.reply({ content: 'No baseline yet: the nightly check takes the first one (dangerous roles and who holds them).', ephemeral: true });
    const since = `<t:${Math.floor(report.baselineAt / 1000)}:R>`;
    if (!report.items.length) return ctx.reply({ content: `No drift since the baseline (${since}): ${report.roles} dangerous role(s), ${report.holders} holder(s).`, ephemeral: true });
    const lines = report.items.slice(0, MAX_LINES).map((i) => `• ${describeItem(i)}`);
    if (report.items.length > MAX_LINES) lines.push(`…and ${report.items.length - MAX_LINES} more (the dashboard's Role drift page lists them all).`);
    return ctx.reply({
      content: `**Role drift** since the baseline (${since}): ${report.items.length} difference(s).`,
      embeds: [{ title: 'Role drift since the baseline', description: lines.join('\n').slice(0, 4000), color: 0xe67e22 }],
      ephemeral: true,
    });
  },
});

export const statsRolesAccept = sub({
  description: 'Make the current dangerous roles and holders the new baseline (managers)',
  level: 'moderator',
  handler: async (ctx) => {
    const perms = BigInt(ctx.member?.permissions ?? '0');
    const manager = (await ctx.level()) === 'administrator' || (perms & PermissionFlagsBits.ManageGuild) !== 0n;
    if (!manager) throw new UserError('drift_not_manager', 'Only the server’s managers (Manage Server) may accept a new baseline.');
    const cleared = await acceptBaseline(ctx.db, ctx.config, ctx.guild, ctx.user.id, 'command');
    return ctx.reply({ content: `The current state is the new baseline (${cleared} difference${cleared === 1 ? '' : 's'} accepted).`, ephemeral: true });
  },
});

/** The `/stats roles` group. */
export const statsRolesGroup: SubcommandGroup = {
  description: 'Role drift: dangerous permissions and who holds them',
  subcommands: { show: statsRolesShow, accept: statsRolesAccept },
};
