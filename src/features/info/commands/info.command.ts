import { ChannelType, GuildPremiumTier, GuildVerificationLevel, type APIEmbedField } from 'discord-api-types/v10';
import { defineCommand, defineUserCommand, opt } from '../../../core/define';
import { DiscordApiError } from '../../../discord';
import { snowflakeTime } from '../../../discord/snowflake';
import { fitList, permissionWords, when } from '../embed-text';
import { globalAvatarUrl, serverAvatarUrl, userInfo } from '../user-info';

/** Members `/roleinfo` counts at most (one List Guild Members page). */
export const ROLEINFO_MEMBER_SCAN = 1000;

/** `/userinfo [member]`. */
export const userinfoCommand = defineCommand({
  name: 'userinfo',
  description: 'About a member: account age, join date, roles, staff level',
  ephemeral: false,
  options: { member: opt.user('Who (default: you)') },
  handler: async (ctx, { member }) =>
    ctx.reply(await userInfo(ctx, member?.user ?? ctx.user, member ? member.member : ctx.member)),
});

/** "User info" on a user's context menu. */
export const userInfoUserCommand = defineUserCommand({
  name: 'User info',
  description: 'About a member: account age, join date, roles, staff level',
  ephemeral: false,
  handler: async (ctx, { user, member }) => ctx.reply(await userInfo(ctx, user, member)),
});

/** `/avatar [member]`: global and server avatar, with links in several sizes. */
export const avatarCommand = defineCommand({
  name: 'avatar',
  description: "A member's avatar (global and server) in several sizes",
  ephemeral: false,
  options: { member: opt.user('Whose (default: yours)') },
  handler: async (ctx, { member }) => {
    const user = member?.user ?? ctx.user;
    const membership = member ? member.member : ctx.member;
    const sizes = [64, 128, 256, 512, 1024, 4096];
    const links = (url: (size: number) => string) => sizes.map((s) => `[${s}](${url(s)})`).join(' · ');
    const server = serverAvatarUrl(ctx.guild, user, membership, 1024);
    const lines = [`**Global**: ${user.avatar ? links((s) => globalAvatarUrl(user, s)) : `default avatar ([png](${globalAvatarUrl(user)}))`}`];
    lines.push(server ? `**Server**: ${links((s) => serverAvatarUrl(ctx.guild, user, membership, s)!)}` : '**Server**: none (the global avatar shows here)');
    return ctx.reply({
      embeds: [{ title: `${user.global_name ?? user.username}'s avatar`.slice(0, 256), description: lines.join('\n'), image: { url: server ?? globalAvatarUrl(user, 1024) } }],
    });
  },
});

const VERIFICATION: Record<GuildVerificationLevel, string> = {
  [GuildVerificationLevel.None]: 'None',
  [GuildVerificationLevel.Low]: 'Low (verified email)',
  [GuildVerificationLevel.Medium]: 'Medium (registered 5+ minutes)',
  [GuildVerificationLevel.High]: 'High (member 10+ minutes)',
  [GuildVerificationLevel.VeryHigh]: 'Highest (verified phone)',
};

/** `/serverinfo`. Two Discord calls (the guild with counts, its channels), side by side. */
export const serverinfoCommand = defineCommand({
  name: 'serverinfo',
  description: 'About this server: owner, age, members, channels, roles, boosts',
  ephemeral: false,
  handler: async (ctx) => {
    const [guild, channels] = await Promise.all([ctx.discord.guilds.getWithCounts(ctx.guild), ctx.discord.guilds.channels(ctx.guild)]);
    const count = (...types: ChannelType[]) => channels.filter((c) => types.includes(c.type)).length;
    const roles = guild.roles
      .filter((r) => r.id !== guild.id)
      .sort((a, b) => b.position - a.position)
      .map((r) => `<@&${r.id}>`);
    const fields: APIEmbedField[] = [
      { name: 'Owner', value: `<@${guild.owner_id}>`, inline: true },
      { name: 'Created', value: when(snowflakeTime(guild.id) ?? 0), inline: true },
      {
        name: 'Members',
        value: `${guild.approximate_member_count ?? '?'}${guild.approximate_presence_count !== undefined ? ` (${guild.approximate_presence_count} online)` : ''}`,
        inline: true,
      },
      {
        name: `Channels (${channels.length})`,
        value: `${count(ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum, ChannelType.GuildMedia)} text · ${count(ChannelType.GuildVoice, ChannelType.GuildStageVoice)} voice · ${count(ChannelType.GuildCategory)} categories`,
        inline: true,
      },
      { name: 'Boosts', value: `Level ${guild.premium_tier ?? GuildPremiumTier.None} · ${guild.premium_subscription_count ?? 0} boosts`, inline: true },
      { name: 'Verification', value: VERIFICATION[guild.verification_level] ?? String(guild.verification_level), inline: true },
      { name: `Roles (${roles.length})`, value: fitList(roles) },
    ];
    if (guild.features.length) fields.push({ name: 'Features', value: fitList(guild.features.map((f) => f.toLowerCase().replace(/_/g, ' ')), 1024, ', ') });
    return ctx.reply({
      embeds: [
        {
          title: guild.name.slice(0, 256),
          ...(guild.description ? { description: guild.description.slice(0, 1000) } : {}),
          ...(guild.icon ? { thumbnail: { url: `https://cdn.discordapp.com/icons/${guild.id}/${guild.icon}.png?size=256` } } : {}),
          fields,
          footer: { text: `ID ${guild.id}` },
        },
      ],
    });
  },
});

/** `/roleinfo role`: its settings, permissions in words, and how many members have it (first 1,000 members). */
export const roleinfoCommand = defineCommand({
  name: 'roleinfo',
  description: 'About a role: members with it, permissions in words, settings',
  ephemeral: false,
  options: { role: opt.role('The role', { required: true }) },
  handler: async (ctx, { role }) => {
    let holders: string;
    try {
      const members = await ctx.discord.members.list(ctx.guild, { limit: ROLEINFO_MEMBER_SCAN });
      const n = role.id === ctx.guild ? members.length : members.filter((m) => m.roles.includes(role.id)).length;
      holders = members.length >= ROLEINFO_MEMBER_SCAN ? `at least ${n} (counted among the first ${ROLEINFO_MEMBER_SCAN} members)` : String(n);
    } catch (error) {
      if (!(error instanceof DiscordApiError)) throw error;
      holders = 'unknown (I may not be allowed to list members)';
    }
    const fields: APIEmbedField[] = [
      { name: 'Members', value: holders, inline: true },
      { name: 'Color', value: role.color ? `#${role.color.toString(16).padStart(6, '0')}` : 'none', inline: true },
      { name: 'Position', value: String(role.position), inline: true },
      { name: 'Created', value: when(snowflakeTime(role.id) ?? 0), inline: true },
      {
        name: 'Settings',
        value: [role.hoist ? 'shown separately' : 'not shown separately', role.mentionable ? 'mentionable' : 'not mentionable', role.managed ? 'managed by an integration' : null]
          .filter(Boolean)
          .join(' · '),
        inline: true,
      },
      { name: 'Permissions', value: fitList(permissionWords(role.permissions), 1024, ', ', 'None') },
    ];
    return ctx.reply({ embeds: [{ title: role.name.slice(0, 256), description: `<@&${role.id}> · ID \`${role.id}\``, ...(role.color ? { color: role.color } : {}), fields }] });
  },
});
