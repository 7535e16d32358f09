import type { AutocompleteContext } from '../../../core/context';
import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { GuildReminders } from '../reminders.repo';
import { canonicalTimezone, parseWhen, WHEN_FORMS } from '../when';

/** Live reminders one member may have in one server. */
export const MAX_REMINDERS_PER_MEMBER = 25;

const TEXT_MAX = 1500;

async function suggestOwn(ctx: AutocompleteContext, typed: string) {
  if (!ctx.guildId) return [];
  const rows = await new GuildReminders(ctx.db, ctx.guildId).live(ctx.user.id);
  return rows
    .filter((r) => typed.trim() === '' || String(r.id).startsWith(typed.trim()))
    .slice(0, 25)
    .map((r) => ({ name: `#${r.id} · ${new Date(r.dueAt).toISOString().slice(0, 16).replace('T', ' ')} UTC · ${r.text}`.slice(0, 100), value: r.id }));
}

async function suggestZones(_ctx: AutocompleteContext, typed: string) {
  const all: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const needle = typed.trim().toLowerCase();
  const zones = ['UTC', ...all.filter((z) => z !== 'UTC')].filter((z) => z.toLowerCase().includes(needle));
  return zones.slice(0, 25).map((z) => ({ name: z, value: z }));
}

const line = (r: { id: number; dueAt: number; target: string; text: string }) =>
  `**#${r.id}** · <t:${Math.floor(r.dueAt / 1000)}:f> (<t:${Math.floor(r.dueAt / 1000)}:R>) · ${r.target === 'dm' ? 'by DM' : 'here'} · ${r.text.length > 60 ? `${r.text.slice(0, 59)}…` : r.text}`;

/** `/remind me|list|cancel|timezone`. */
export const remindCommand = defineCommandGroup({
  name: 'remind',
  description: 'Reminders: in this channel or by DM',
  subcommands: {
    me: sub({
      description: 'Remind me of something later',
      options: {
        when: opt.string('in 2h · at 18:30 · at 2026-12-24 18:30 · a Discord timestamp', { required: true, maxLength: 60 }),
        text: opt.string('What to remind you of', { required: true, maxLength: TEXT_MAX }),
        dm: opt.boolean('Send it by DM instead of in this channel'),
      },
      handler: async (ctx, { when, text, dm }) => {
        const repo = new GuildReminders(ctx.db, ctx.guild);
        const zone = (await repo.timezone(ctx.user.id)) ?? 'UTC';
        const dueAt = parseWhen(when, Date.now(), zone);
        const row = await repo.create(
          { userId: ctx.user.id, channelId: ctx.interaction.channel?.id ?? ctx.interaction.channel_id ?? '', target: dm ? 'dm' : 'channel', text, dueAt },
          MAX_REMINDERS_PER_MEMBER,
        );
        if (!row) {
          throw new UserError('too_many_reminders', `You already have ${MAX_REMINDERS_PER_MEMBER} reminders here. Cancel one with \`/remind cancel\` first.`);
        }
        const seconds = Math.floor(dueAt / 1000);
        return ctx.reply({
          ephemeral: true,
          content: `Reminder **#${row.id}** set for <t:${seconds}:F> (<t:${seconds}:R>)${dm ? ', by DM' : ', in this channel'}.${zone !== 'UTC' ? ` Times are read in ${zone}.` : ''}`,
        });
      },
    }),
    list: sub({
      description: 'Your reminders in this server',
      handler: async (ctx) => {
        const rows = await new GuildReminders(ctx.db, ctx.guild).live(ctx.user.id);
        if (rows.length === 0) return ctx.reply({ ephemeral: true, content: 'You have no reminders here. Set one with `/remind me`.' });
        return ctx.reply({
          ephemeral: true,
          embeds: [{ title: `Your reminders (${rows.length}/${MAX_REMINDERS_PER_MEMBER})`, description: rows.map(line).join('\n').slice(0, 4096) }],
        });
      },
    }),
    cancel: sub({
      description: 'Cancel one of your reminders',
      options: { id: opt.integer('The reminder (see /remind list)', { required: true, minValue: 1, autocomplete: suggestOwn }) },
      handler: async (ctx, { id }) => {
        const row = await new GuildReminders(ctx.db, ctx.guild).cancel(ctx.user.id, id);
        if (!row) throw new UserError('unknown_reminder', `You have no pending reminder #${id} here. See \`/remind list\`.`);
        return ctx.reply({ ephemeral: true, content: `Cancelled reminder **#${id}**.` });
      },
    }),
    timezone: sub({
      description: 'Set the timezone your "at 18:30" times are read in',
      options: { zone: opt.string('An IANA timezone, e.g. Europe/Paris, America/New_York, UTC', { required: true, maxLength: 64, autocomplete: suggestZones }) },
      handler: async (ctx, { zone }) => {
        const canonical = canonicalTimezone(zone);
        if (!canonical) {
          throw new UserError('bad_timezone', `\`${zone.slice(0, 64)}\` is not a timezone I know. Use an IANA name such as \`Europe/Paris\`, \`America/New_York\` or \`UTC\`.`);
        }
        await new GuildReminders(ctx.db, ctx.guild).setTimezone(ctx.user.id, canonical);
        return ctx.reply({ ephemeral: true, content: `Your timezone is now **${canonical}**. Try \`/remind me when: at 18:30\`. (Forms: ${WHEN_FORMS}.)` });
      },
    }),
  },
});
