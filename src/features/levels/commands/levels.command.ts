import { defineCommand, defineCommandGroup, opt, sub } from '../../../core/define';
import type { CommandContext } from '../../../core/context';
import { UserError } from '../../../core/errors';
import { balanceOf, findCurrency } from '../../economy/public';
import { levelForXp } from '../curves';
import { curveOf, levelsSettings, startBackfill } from '../levels.service';
import { memberLevels } from '../schema';
import { announceModes, type LevelsSettings } from '../settings';
import { changeLevelsSettings } from '../settings.service';

async function levelCurrency(db: Parameters<typeof findCurrency>[0], guildId: string) {
  const settings = await levelsSettings(db, guildId);
  const currency = settings.currencyId ? await findCurrency(db, guildId, settings.currencyId) : undefined;
  if (!currency) throw new UserError('levels_off', 'Levels are not set up: an administrator runs `/levels setup` (or `/rules preset mee6-messages`).');
  return { settings, currency };
}

/** `/rank [member]`: level, XP and progress. */
export const rankCommand = defineCommand({
  name: 'rank',
  description: 'Your level and XP (or a member’s)',
  options: { member: opt.user('Whose') },
  handler: async (ctx, { member }) => {
    const { currency } = await levelCurrency(ctx.db, ctx.guild);
    const userId = member?.id ?? ctx.user.id;
    const xp = await balanceOf(ctx.db, ctx.guild, currency.id, userId);
    const { level, into, next } = levelForXp(curveOf(currency.levelCurve), xp);
    const progress = Number.isFinite(next) ? `${into}/${next} to level ${level + 1}` : 'maximum level';
    return ctx.reply({ ephemeral: true, content: `<@${userId}>: level **${level}**, ${xp} ${currency.name} (${progress}).` });
  },
});

function change(ctx: CommandContext, fn: (s: LevelsSettings) => LevelsSettings) {
  return changeLevelsSettings(ctx.config, ctx.user.id, fn);
}

/** `/levels …`: the levels settings (administrators) and the member's announcement opt-out. */
export const levelsCommand = defineCommandGroup({
  name: 'levels',
  description: 'Levels: XP currency, announcements, level roles, multipliers',
  level: 'administrator',
  subcommands: {
    setup: sub({
      description: 'Which XP currency levels follow',
      options: { currency: opt.string('An XP currency (name or id)', { required: true, maxLength: 64 }) },
      handler: async (ctx, { currency }) => {
        const c = await findCurrency(ctx.db, ctx.guild, currency);
        if (!c) throw new UserError('unknown_currency', `There is no currency \`${currency}\`.`);
        if (c.kind !== 'xp') throw new UserError('not_xp', `\`${c.name}\` is spendable; levels follow an XP currency.`);
        await change(ctx, (s) => ({ ...s, currencyId: c.id }));
        return ctx.reply({ ephemeral: true, content: `Levels now follow \`${c.name}\`. Run \`/levels backfill\` to give existing members their level roles.` });
      },
    }),
    announce: sub({
      description: 'Where level-ups are announced',
      options: {
        mode: opt.string('Where', { required: true, choices: announceModes.map((m) => ({ name: m, value: m })) }),
        channel: opt.channel('The channel (mode channel)'),
        template: opt.string('Message: {user} and {level}', { maxLength: 1000 }),
      },
      handler: async (ctx, { mode, channel, template }) => {
        if (mode === 'channel' && !channel) throw new UserError('channel_needed', 'Mode `channel` needs a `channel`.');
        await change(ctx, (s) => ({ ...s, announce: { mode: mode as LevelsSettings['announce']['mode'], ...(channel ? { channelId: channel.id } : s.announce.channelId ? { channelId: s.announce.channelId } : {}), template: template ?? s.announce.template } }));
        return ctx.reply({ ephemeral: true, content: `Level-ups are announced: ${mode}${channel ? ` in <#${channel.id}>` : ''}.` });
      },
    }),
    reward: sub({
      description: 'Give a role at a level (stack: kept; replace: removed at the next replace reward)',
      options: { level: opt.integer('Level', { required: true, minValue: 1, maxValue: 1000 }), role: opt.role('Role', { required: true }), mode: opt.string('stack or replace', { choices: [{ name: 'stack', value: 'stack' }, { name: 'replace', value: 'replace' }] }), remove: opt.boolean('Remove this reward') },
      handler: async (ctx, { level, role, mode, remove }) => {
        await change(ctx, (s) => {
          const rest = s.rewards.filter((r) => !(r.level === level && r.roleId === role.id));
          if (!remove && rest.length >= 50) throw new UserError('too_many', 'At most 50 level rewards.');
          return { ...s, rewards: remove ? rest : [...rest, { level, roleId: role.id, mode: (mode ?? 'stack') as 'stack' | 'replace' }].sort((a, b) => a.level - b.level) };
        });
        return ctx.reply({ ephemeral: true, content: remove ? `Removed the level ${level} reward <@&${role.id}>.` : `Level ${level} gives <@&${role.id}> (${mode ?? 'stack'}).` });
      },
    }),
    multiplier: sub({
      description: 'XP multiplier of a role or channel (1 removes it)',
      options: { value: opt.number('Multiplier 0-10', { required: true, minValue: 0, maxValue: 10 }), role: opt.role('Role'), channel: opt.channel('Channel') },
      handler: async (ctx, { value, role, channel }) => {
        if (!role === !channel) throw new UserError('one_target', 'Give a `role` or a `channel`.');
        await change(ctx, (s) => {
          const bag = { ...(role ? s.multipliers.roles : s.multipliers.channels) };
          const id = (role ?? channel)!.id;
          if (value === 1) delete bag[id];
          else bag[id] = value;
          return { ...s, multipliers: role ? { ...s.multipliers, roles: bag } : { ...s.multipliers, channels: bag } };
        });
        return ctx.reply({ ephemeral: true, content: `XP multiplier ${value}× for ${role ? `<@&${role.id}>` : `<#${channel!.id}>`}. Multipliers combine as the highest role multiplier × the channel's.` });
      },
    }),
    'no-xp': sub({
      description: 'Toggle a channel, role or member on the no-XP list',
      options: { channel: opt.channel('Channel'), role: opt.role('Role'), member: opt.user('Member') },
      handler: async (ctx, { channel, role, member }) => {
        const picked = [channel && (['channels', channel.id] as const), role && (['roles', role.id] as const), member && (['members', member.id] as const)].filter(Boolean);
        if (picked.length !== 1) throw new UserError('one_target', 'Give one `channel`, `role` or `member`.');
        const [list, id] = picked[0]!;
        let now = false;
        await change(ctx, (s) => {
          const current = s.noXp[list];
          now = !current.includes(id);
          return { ...s, noXp: { ...s.noXp, [list]: now ? [...current, id] : current.filter((x) => x !== id) } };
        });
        return ctx.reply({ ephemeral: true, content: `${now ? 'Added to' : 'Removed from'} the no-XP ${list}.` });
      },
    }),
    backfill: sub({
      description: "Bring every member's level roles in line (runs within the budget, a minute at a time)",
      handler: async (ctx) => {
        const { currency } = await levelCurrency(ctx.db, ctx.guild);
        const marked = await startBackfill(ctx.db, ctx.guild, currency.id);
        await ctx.config.audited(ctx.user.id, 'levels.backfill', null, { members: marked });
        return ctx.reply({ ephemeral: true, content: `Backfill started for ${marked} members: their roles are brought in line within a few minutes (no announcements).` });
      },
    }),
    announcements: sub({
      description: 'Turn your own level-up announcements on or off',
      level: 'everyone',
      options: { on: opt.boolean('Announce my level-ups', { required: true }) },
      handler: async (ctx, { on }) => {
        const { currency } = await levelCurrency(ctx.db, ctx.guild);
        await ctx.db
          .insert(memberLevels)
          .values({ guildId: ctx.guild, currencyId: currency.id, userId: ctx.user.id, optOut: !on, updatedAt: Date.now() })
          .onConflictDoUpdate({ target: [memberLevels.guildId, memberLevels.currencyId, memberLevels.userId], set: { optOut: !on } });
        return ctx.reply({ ephemeral: true, content: on ? 'Your level-ups are announced.' : 'Your level-ups are no longer announced.' });
      },
    }),
  },
});

