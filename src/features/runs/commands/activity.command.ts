import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import {
  CATALOG_KEY,
  MAX_ACTIVITIES,
  MAX_CAP,
  PRESETS,
  activitySchema,
  catalogSchema,
  findActivity,
  formatPoints,
  parseClasses,
  parseWeight,
  readCatalog,
  type Activity,
} from '../catalog';
import { suggestActivities } from './suggest';

const fields = {
  emoji: opt.string('Emoji shown with it', { maxLength: 64 }),
  classes: opt.string('Class choices: Tank:🛡️:2, Healer:💚, DPS (name:emoji:limit)', { maxLength: 1000 }),
  cap: opt.integer('Default roster cap', { minValue: 1, maxValue: MAX_CAP }),
  duration: opt.integer('Minutes until the run ends by itself', { minValue: 5, maxValue: 1440 }),
  weight: opt.string("Quota points the organizer earns, e.g. 1.5", { maxLength: 6 }),
  waitlist: opt.boolean('Waitlist past the cap (default) or refuse'),
  temp_role: opt.boolean('Give joined members a temporary role'),
  remind: opt.integer('Minutes before a scheduled run that members are reminded', { minValue: 0, maxValue: 1440 }),
};

type Fields = { emoji?: string | undefined; classes?: string | undefined; cap?: number | undefined; duration?: number | undefined; weight?: string | undefined; waitlist?: boolean | undefined; temp_role?: boolean | undefined; remind?: number | undefined };

/** The activity with the typed fields applied (every value checked before anything is saved). */
function applied(base: Partial<Activity> & { name: string }, f: Fields): Activity {
  const parsed = activitySchema.safeParse({
    ...base,
    ...(f.emoji !== undefined ? { emoji: f.emoji.trim() } : {}),
    ...(f.classes !== undefined ? { classes: parseClasses(f.classes) } : {}),
    ...(f.cap !== undefined ? { cap: f.cap } : {}),
    ...(f.duration !== undefined ? { durationMin: f.duration } : {}),
    ...(f.weight !== undefined ? { weight: parseWeight(f.weight) } : {}),
    ...(f.waitlist !== undefined ? { waitlist: f.waitlist } : {}),
    ...(f.temp_role !== undefined ? { tempRole: f.temp_role } : {}),
    ...(f.remind !== undefined ? { remindMin: f.remind } : {}),
  });
  if (!parsed.success) throw new UserError('bad_activity', `That activity is not valid: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim());
  return parsed.data;
}

/** One line describing an activity. */
export function describeActivity(a: Activity): string {
  const classes = a.classes.length ? ` · classes: ${a.classes.map((c) => `${c.emoji ? `${c.emoji} ` : ''}${c.name}${c.limit ? ` (${c.limit})` : ''}`).join(', ')}` : '';
  return `${a.emoji ? `${a.emoji} ` : ''}**${a.name}** · cap ${a.cap} · ends after ${a.durationMin} min · ${formatPoints(a.weight)} pts${a.waitlist ? '' : ' · no waitlist'}${a.tempRole ? ' · temp role' : ''}${classes}`;
}

/** `/activity add|edit|remove|list|preset`: the guild's activity catalog (staff). */
export const activityCommand = defineCommandGroup({
  name: 'activity',
  description: 'The activities runs can be started for',
  level: 'moderator',
  subcommands: {
    add: sub({
      description: 'Add an activity',
      options: { name: opt.string('Its name', { required: true, maxLength: 40 }), ...fields },
      handler: async (ctx, { name, ...f }) => {
        const activity = applied({ name: name.trim() }, f);
        await ctx.config.updateSettings(ctx.user.id, CATALOG_KEY, catalogSchema, (c) => {
          if (c.activities.some((a) => a.name.toLowerCase() === activity.name.toLowerCase())) throw new UserError('activity_exists', `There already is an activity \`${activity.name}\`; change it with \`/activity edit\`.`);
          if (c.activities.length >= MAX_ACTIVITIES) throw new UserError('too_many_activities', `A server has at most ${MAX_ACTIVITIES} activities.`);
          return { activities: [...c.activities, activity] };
        });
        return ctx.reply({ ephemeral: true, content: `Added ${describeActivity(activity)}` });
      },
    }),
    edit: sub({
      description: 'Change an activity (live runs keep what they started with)',
      options: { name: opt.string('The activity', { required: true, maxLength: 40, autocomplete: suggestActivities }), ...fields },
      handler: async (ctx, { name, ...f }) => {
        let result: Activity | undefined;
        await ctx.config.updateSettings(ctx.user.id, CATALOG_KEY, catalogSchema, (c) => {
          const current = findActivity(c.activities, name);
          result = applied(current, f);
          return { activities: c.activities.map((a) => (a === current ? result! : a)) };
        });
        return ctx.reply({ ephemeral: true, content: `Changed ${describeActivity(result!)}` });
      },
    }),
    remove: sub({
      description: 'Remove an activity',
      options: { name: opt.string('The activity', { required: true, maxLength: 40, autocomplete: suggestActivities }) },
      handler: async (ctx, { name }) => {
        let removed: Activity | undefined;
        await ctx.config.updateSettings(ctx.user.id, CATALOG_KEY, catalogSchema, (c) => {
          removed = findActivity(c.activities, name);
          return { activities: c.activities.filter((a) => a !== removed) };
        });
        return ctx.reply({ ephemeral: true, content: `Removed **${removed!.name}**.` });
      },
    }),
    list: sub({
      description: "This server's activities",
      level: 'everyone',
      handler: async (ctx) => {
        const catalog = await readCatalog(ctx.config);
        if (catalog.length === 0) return ctx.reply({ ephemeral: true, content: 'No activities yet: staff add them with `/activity add` or `/activity preset`.' });
        return ctx.reply({ ephemeral: true, embeds: [{ title: 'Activities', description: catalog.map(describeActivity).join('\n').slice(0, 4000) }] });
      },
    }),
    preset: sub({
      description: 'Add a ready-made set of activities',
      options: { preset: opt.string('Which', { required: true, choices: [{ name: 'Raid-style game (Raid, Dungeon with classes)', value: 'raid' }, { name: 'Plain event', value: 'event' }] }) },
      handler: async (ctx, { preset }) => {
        const wanted = PRESETS[preset as keyof typeof PRESETS];
        if (!wanted) throw new UserError('bad_preset', 'Pick `raid` or `event`.');
        const added: string[] = [];
        await ctx.config.updateSettings(ctx.user.id, CATALOG_KEY, catalogSchema, (c) => {
          added.length = 0;
          const names = new Set(c.activities.map((a) => a.name.toLowerCase()));
          const fresh = wanted.map((a) => activitySchema.parse(a)).filter((a) => !names.has(a.name.toLowerCase()));
          if (c.activities.length + fresh.length > MAX_ACTIVITIES) throw new UserError('too_many_activities', `A server has at most ${MAX_ACTIVITIES} activities.`);
          added.push(...fresh.map((a) => a.name));
          return { activities: [...c.activities, ...fresh] };
        });
        return ctx.reply({ ephemeral: true, content: added.length ? `Added ${added.map((n) => `**${n}**`).join(', ')}.` : 'This server already has those activities.' });
      },
    }),
  },
});
