import type { APIEmbed } from 'discord-api-types/v10';
import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { MOD_LOG, SETTINGS_KEY, moderationSettings, moderationSettingsSchema, type ModerationSettings, type Threshold } from '../config';
import { formatDuration, parseDuration } from '../duration';
import type { InteractionContext } from '../../../core/context';

function describeRule(rule: Threshold): string {
  const action = rule.action === 'kick' ? 'kick' : `${rule.action}${rule.durationMs ? ` for ${formatDuration(rule.durationMs)}` : rule.action === 'ban' ? ' (permanent)' : ''}`;
  return `${rule.count} warnings within ${rule.days} days → ${action}`;
}

/** Changes the moderation settings from their current value (reread and retried if another change lands first). */
function update(ctx: InteractionContext, change: (current: ModerationSettings) => ModerationSettings): Promise<ModerationSettings> {
  return ctx.config.updateSettings(ctx.user.id, SETTINGS_KEY, moderationSettingsSchema, change);
}

/** `/modconfig …`: muted/suspended roles, warning thresholds and decay (administrators). */
export const modconfigCommand = defineCommandGroup({
  name: 'modconfig',
  description: 'Configure moderation for this server',
  level: 'administrator',
  defaultMemberPermissions: '32',
  subcommands: {
    show: sub({
      description: 'Show the moderation settings',
      handler: async (ctx) => {
        const [s, modLog] = await Promise.all([moderationSettings(ctx.config), ctx.config.channel(MOD_LOG)]);
        const embed: APIEmbed = {
          title: 'Moderation settings',
          fields: [
            { name: 'Mod log', value: modLog ? `<#${modLog}>` : '*not set* (`/config channel set mod_log`)' },
            { name: 'Muted role', value: s.mutedRoleId ? `<@&${s.mutedRoleId}>` : '*not set*', inline: true },
            { name: 'Suspended role', value: s.suspendedRoleId ? `<@&${s.suspendedRoleId}>` : '*not set*', inline: true },
            { name: 'Warning thresholds', value: s.thresholds.map(describeRule).join('\n') || '*none*' },
            { name: 'Warnings decay after', value: s.warnDecayDays ? `${s.warnDecayDays} days` : '*never*' },
          ],
        };
        return ctx.reply({ embeds: [embed], ephemeral: true });
      },
    }),
    roles: sub({
      description: 'Set the muted and/or suspended role',
      options: {
        muted_role: opt.role('The role /mute gives'),
        suspended_role: opt.role('The role /suspend gives in place of all others'),
      },
      handler: async (ctx, { muted_role, suspended_role }) => {
        if (!muted_role && !suspended_role) throw new UserError('nothing_to_set', 'Give `muted_role`, `suspended_role` or both.');
        await update(ctx, (s) => ({ ...s, ...(muted_role ? { mutedRoleId: muted_role.id } : {}), ...(suspended_role ? { suspendedRoleId: suspended_role.id } : {}) }));
        return ctx.reply({ content: 'Saved.', ephemeral: true });
      },
    }),
    'threshold-add': sub({
      description: 'Add a rule: N warnings within D days → timeout, kick or ban',
      options: {
        count: opt.integer('Number of active warnings', { required: true, minValue: 2, maxValue: 50 }),
        days: opt.integer('Within how many days', { required: true, minValue: 1, maxValue: 365 }),
        action: opt.string('What happens', {
          required: true,
          choices: [
            { name: 'Timeout', value: 'timeout' },
            { name: 'Kick', value: 'kick' },
            { name: 'Ban', value: 'ban' },
          ],
        }),
        duration: opt.string('For timeout (required) or ban (empty: permanent), e.g. 1d'),
      },
      handler: async (ctx, { count, days, action, duration }) => {
        const durationMs = duration ? parseDuration(duration) : undefined;
        if (action === 'timeout' && !durationMs) throw new UserError('duration_required', 'A timeout rule needs a `duration`.');
        const rule: Threshold = { count, days, action: action as Threshold['action'], ...(durationMs && action !== 'kick' ? { durationMs } : {}) };
        await update(ctx, (s) => {
          const thresholds = [...s.thresholds.filter((r) => r.count !== count), rule].sort((a, b) => a.count - b.count);
          if (thresholds.length > 10) throw new UserError('too_many_rules', 'At most 10 threshold rules.');
          return { ...s, thresholds };
        });
        return ctx.reply({ content: `Saved: ${describeRule(rule)}.`, ephemeral: true });
      },
    }),
    'threshold-remove': sub({
      description: 'Remove the rule for N warnings',
      options: { count: opt.integer('The rule’s number of warnings', { required: true, minValue: 2, maxValue: 50 }) },
      handler: async (ctx, { count }) => {
        await update(ctx, (s) => {
          if (!s.thresholds.some((r) => r.count === count)) throw new UserError('unknown_rule', `There is no rule for ${count} warnings.`);
          return { ...s, thresholds: s.thresholds.filter((r) => r.count !== count) };
        });
        return ctx.reply({ content: 'Removed.', ephemeral: true });
      },
    }),
    decay: sub({
      description: 'Warnings stop counting after this many days (0: never)',
      options: { days: opt.integer('Days (0 turns decay off)', { required: true, minValue: 0, maxValue: 3650 }) },
      handler: async (ctx, { days }) => {
        await update(ctx, (s) => ({ ...s, warnDecayDays: days === 0 ? null : days }));
        return ctx.reply({ content: days === 0 ? 'Warnings no longer decay.' : `Warnings now decay after ${days} days.`, ephemeral: true });
      },
    }),
  },
});
