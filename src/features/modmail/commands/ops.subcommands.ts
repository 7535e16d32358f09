/**
 * modmail-ops' subcommands of `/modmail` (spread into the group in `modmail.command.ts`):
 * `block`, `unblock`, `stats` and `limits` (closing, staleness, admission, attachments).
 */
import { opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { formatDuration, parseDuration } from '../../moderation/public';
import { GuildModmailBlocks } from '../blocks.repo';
import { OPS_SETTINGS_KEY, opsSettingsSchema, type OpsSettings } from '../ops.config';
import { modmailStats } from '../stats.repo';

const DAY = 86_400_000;
const dur = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));

/** A duration option that also takes `off` (null). */
const offOrDuration = (raw: string): number | null => (raw.trim().toLowerCase() === 'off' ? null : parseDuration(raw));

function describeLimits(s: OpsSettings): string {
  const mib = (n: number) => `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
  return [
    `Reopen window: ${s.reopenWindowMs ? formatDuration(s.reopenWindowMs) : 'off'}`,
    `Stale warning after: ${dur(s.staleAfterMs)} · auto-close after the warning: ${dur(s.autoCloseAfterMs)}`,
    `Close when the member leaves: ${s.closeOnLeave ? 'yes' : 'no'}`,
    `Minimum account age: ${s.minAccountAgeMs ? formatDuration(s.minAccountAgeMs) : 'none'} · open ticket cap: ${s.maxOpenTickets || 'none'}`,
    `Attachments kept: up to ${mib(s.maxAttachmentBytes)} per file, ${mib(s.maxTicketAttachmentBytes)} per ticket`,
  ].join('\n');
}

/** `/modmail block|unblock|stats|limits`. */
export const opsModmailSubcommands = {
  block: sub({
    description: 'Stop a member from opening modmail tickets',
    level: 'moderator',
    guildOnly: true,
    options: {
      member: opt.user('Who', { required: true }),
      duration: opt.string('For how long (7d, 1w); empty: until unblocked', { maxLength: 20 }),
      reason: opt.string('Why (staff only; the member is not told the reason)', { maxLength: 500 }),
    },
    handler: async (ctx, { member, duration, reason }) => {
      const ms = duration ? parseDuration(duration) : null;
      const expiresAt = ms === null ? null : Date.now() + ms;
      await new GuildModmailBlocks(ctx.db, ctx.guild).block(member.id, ctx.user.id, reason?.trim() || 'No reason given.', expiresAt);
      const until = expiresAt ? ` until <t:${Math.floor(expiresAt / 1000)}:f> (${formatDuration(ms!)})` : ' until unblocked';
      return ctx.reply({ ephemeral: true, content: `<@${member.id}> can't open modmail tickets${until}. An open ticket stays open; close it with \`/close\`.` });
    },
  }),
  unblock: sub({
    description: 'Let a blocked member open modmail tickets again',
    level: 'moderator',
    guildOnly: true,
    options: { member: opt.user('Who', { required: true }) },
    handler: async (ctx, { member }) => {
      const lifted = await new GuildModmailBlocks(ctx.db, ctx.guild).unblock(member.id);
      if (!lifted) throw new UserError('not_blocked', `<@${member.id}> is not blocked from modmail.`);
      return ctx.reply({ ephemeral: true, content: `<@${member.id}> can open modmail tickets again.` });
    },
  }),
  stats: sub({
    description: 'Modmail response and close times, per staff member and category',
    level: 'moderator',
    guildOnly: true,
    options: { days: opt.integer('Over the last N days (default 30)', { minValue: 1, maxValue: 365 }) },
    handler: async (ctx, { days }) => {
      const span = days ?? 30;
      const s = await modmailStats(ctx.db, ctx.guild, Date.now() - span * DAY, ctx.discord.applicationId);
      const staff = s.byStaff.slice(0, 15).map((r) => `<@${r.userId}> · answered ${r.replied} · closed ${r.closed}`);
      const categories = s.byCategory.slice(0, 15).map((c) => `${c.name} · ${c.tickets}`);
      return ctx.reply({
        ephemeral: true,
        embeds: [
          {
            title: `Modmail, last ${span} days`,
            fields: [
              { name: 'Tickets', value: `${s.opened} opened · ${s.closed} closed · ${s.open} still open`, inline: false },
              { name: 'Median first response', value: dur(s.medianFirstResponseMs), inline: true },
              { name: 'Median time to close', value: dur(s.medianTimeToCloseMs), inline: true },
              { name: 'Per staff member', value: staff.join('\n') || 'Nobody answered yet.', inline: false },
              { name: 'Per category', value: categories.join('\n') || 'No tickets.', inline: false },
            ],
          },
        ],
      });
    },
  }),
  limits: sub({
    description: 'Show or change closing, staleness, admission and attachment limits',
    level: 'administrator',
    guildOnly: true,
    options: {
      reopen_window: opt.string('How long after closing staff may reopen (24h; off)', { maxLength: 20 }),
      stale_after: opt.string('Warn in the thread after this long without a message (48h; off)', { maxLength: 20 }),
      autoclose_after: opt.string('Close this long after the warning if still quiet (24h; off)', { maxLength: 20 }),
      close_on_leave: opt.boolean('Close the ticket when the member leaves'),
      min_account_age: opt.string('Refuse accounts younger than this (7d; off)', { maxLength: 20 }),
      max_open: opt.integer('Open tickets at once before "we are busy" (0: no cap)', { minValue: 0, maxValue: 10_000 }),
      max_file_mib: opt.integer('Largest attachment kept, MiB', { minValue: 0, maxValue: 100 }),
      max_ticket_mib: opt.integer('Attachment MiB one ticket may keep', { minValue: 0, maxValue: 1024 }),
    },
    handler: async (ctx, o) => {
      const patch: Partial<OpsSettings> = {};
      if (o.reopen_window !== undefined) patch.reopenWindowMs = offOrDuration(o.reopen_window) ?? 0;
      if (o.stale_after !== undefined) patch.staleAfterMs = offOrDuration(o.stale_after);
      if (o.autoclose_after !== undefined) patch.autoCloseAfterMs = offOrDuration(o.autoclose_after);
      if (o.close_on_leave !== undefined) patch.closeOnLeave = o.close_on_leave;
      if (o.min_account_age !== undefined) patch.minAccountAgeMs = offOrDuration(o.min_account_age) ?? 0;
      if (o.max_open !== undefined) patch.maxOpenTickets = o.max_open;
      if (o.max_file_mib !== undefined) patch.maxAttachmentBytes = o.max_file_mib * 1024 * 1024;
      if (o.max_ticket_mib !== undefined) patch.maxTicketAttachmentBytes = o.max_ticket_mib * 1024 * 1024;
      const next = Object.keys(patch).length
        ? await ctx.config.updateSettings(ctx.user.id, OPS_SETTINGS_KEY, opsSettingsSchema, (current) => {
            const merged = opsSettingsSchema.safeParse({ ...current, ...patch });
            if (!merged.success) throw new UserError('bad_limits', `Those limits don't fit: ${merged.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
            return merged.data;
          })
        : await ctx.config.settings(OPS_SETTINGS_KEY, opsSettingsSchema);
      return ctx.reply({ ephemeral: true, content: `${Object.keys(patch).length ? 'Saved. ' : ''}Modmail limits:\n${describeLimits(next)}` });
    },
  }),
};
