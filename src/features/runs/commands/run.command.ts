import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { STAFF_LEVELS, STAFF_LEVEL_LABELS } from '../../../core/staff';
import { canonicalTimezone } from '../../reminders/public';
import { MAX_CAP } from '../catalog';
import { RUNS_KEY, readRunsSettings, runsSettingsSchema } from '../config';
import { GuildRuns } from '../runs.repo';
import { startRun } from '../runs.service';
import { suggestActivities } from './suggest';

const activityOption = opt.string('The activity (see /activity list)', { required: true, maxLength: 40, autocomplete: suggestActivities });
const locationOption = opt.string('Where it meets', { maxLength: 100 });
const capOption = opt.integer(`Most members on the roster (default: the activity's)`, { minValue: 1, maxValue: MAX_CAP });

/** A fresh calendar token: 32 hex digits. */
function newToken(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** `/run start|schedule|list|calendar|config`. */
export const runCommand = defineCommandGroup({
  name: 'run',
  description: 'Organised runs: panels with Join / Bench / Leave, auto-end, quota points',
  subcommands: {
    start: sub({
      description: 'Post a run panel here and get its controls',
      options: { activity: activityOption, location: locationOption, cap: capOption },
      handler: (ctx, { activity, location, cap }) => startRun(ctx, { activity, location, cap, kind: 'run' }),
    }),
    schedule: sub({
      description: 'Schedule a run: a Discord event, reminders and the calendar feed',
      options: {
        activity: activityOption,
        when: opt.string('at 2026-12-24 20:00 · at 20:00 · in 2d · a Discord timestamp (server timezone)', { required: true, maxLength: 60 }),
        location: locationOption,
        cap: capOption,
      },
      handler: (ctx, { activity, when, location, cap }) => startRun(ctx, { activity, when, location, cap, kind: 'scheduled' }),
    }),
    list: sub({
      description: 'Open and scheduled runs of this server',
      handler: async (ctx) => {
        const rows = await new GuildRuns(ctx.db, ctx.guild).recent(15);
        if (rows.length === 0) return ctx.reply({ content: 'No open or scheduled runs.', ephemeral: true });
        const lines = rows.map((r) => {
          const when = r.startsAt ? ` · <t:${Math.floor(r.startsAt / 1000)}:f>` : '';
          const link = r.messageId ? `https://discord.com/channels/${r.guildId}/${r.channelId}/${r.messageId}` : `<#${r.channelId}>`;
          return `**${r.activity}** (${r.kind}) by <@${r.organizerId}>${when} · ${link}`;
        });
        return ctx.reply({ embeds: [{ title: 'Runs', description: lines.join('\n').slice(0, 4000) }], ephemeral: true });
      },
    }),
    calendar: sub({
      description: "This server's calendar feed (.ics) of scheduled runs",
      level: 'moderator',
      options: { rotate: opt.boolean('Make a new secret link (the old one stops working)') },
      handler: async (ctx, { rotate }) => {
        const current = await readRunsSettings(ctx);
        let token = current.calendarToken;
        if (!token || rotate) {
          const saved = await ctx.config.updateSettings(ctx.user.id, RUNS_KEY, runsSettingsSchema, (s) => ({ ...s, calendarToken: !s.calendarToken || rotate ? newToken() : s.calendarToken }));
          token = saved.calendarToken!;
        }
        return ctx.reply({
          ephemeral: true,
          content: `Calendar feed (keep it secret; \`/run calendar rotate:true\` replaces it):\n\`/calendar/${ctx.guild}/${token}.ics\` on the dashboard's address (the web Worker), e.g. \`https://gatehouse-web.<you>.workers.dev/calendar/${ctx.guild}/${token}.ics\`. Add it in Google Calendar under *Other calendars → From URL*.`,
        });
      },
    }),
    config: sub({
      description: 'Who may organize runs, and the server timezone',
      level: 'administrator',
      options: {
        organizer_level: opt.string('Lowest staff level that may organize', { choices: STAFF_LEVELS.map((l) => ({ name: STAFF_LEVEL_LABELS[l], value: l })) }),
        organizer_role: opt.role('A role whose members may organize too'),
        clear_role: opt.boolean('Remove the organizer role'),
        timezone: opt.string('IANA timezone for schedules and quota resets, e.g. Europe/Paris', { maxLength: 64 }),
      },
      handler: async (ctx, { organizer_level, organizer_role, clear_role, timezone }) => {
        const zone = timezone === undefined ? undefined : canonicalTimezone(timezone);
        if (zone === null) throw new UserError('bad_timezone', `\`${timezone!.slice(0, 64)}\` is not a timezone: use an IANA name such as \`Europe/Paris\` or \`UTC\`.`);
        const level = STAFF_LEVELS.find((l) => l === organizer_level);
        const saved = await ctx.config.updateSettings(ctx.user.id, RUNS_KEY, runsSettingsSchema, (s) => ({
          ...s,
          ...(level ? { organizerLevel: level } : {}),
          ...(organizer_role ? { organizerRoleId: organizer_role.id } : clear_role ? { organizerRoleId: null } : {}),
          ...(zone ? { timezone: zone } : {}),
        }));
        const role = saved.organizerRoleId ? ` or holding <@&${saved.organizerRoleId}>` : '';
        return ctx.reply({ ephemeral: true, content: `Organizers: ${STAFF_LEVEL_LABELS[saved.organizerLevel]} or above${role}. Timezone: ${saved.timezone}.` });
      },
    }),
  },
});

