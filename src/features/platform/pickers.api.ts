/**
 * `GET /guilds/{guildId}/pickers`: the guild's roles and channels by name, for the dashboard's
 * select boxes (ids stay the values the pages send). Any staff member may read it: every
 * configuration page and the engagement pages use it.
 */
import { ChannelType } from 'discord-api-types/v10';
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { guildChannels, guildRoles } from '../../core/api/guild-objects';

const PICKABLE: readonly ChannelType[] = [ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildVoice, ChannelType.GuildStageVoice, ChannelType.GuildForum, ChannelType.GuildCategory];

export const pickersRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/pickers',
  access: 'helper',
  summary: "The server's roles (highest first) and channels (in Discord's order, with their category) for pickers",
  response: z.object({
    roles: z.array(z.object({ id: z.string(), name: z.string(), color: z.number().int(), position: z.number().int(), managed: z.boolean(), everyone: z.boolean() })),
    channels: z.array(z.object({ id: z.string(), name: z.string(), type: z.number().int(), kind: z.enum(['text', 'announcement', 'voice', 'stage', 'forum', 'category']), parentId: z.string().nullable(), position: z.number().int() })),
  }),
  handler: async (ctx) => {
    const [roles, channels] = await Promise.all([guildRoles(ctx), guildChannels(ctx)]);
    const kinds: Partial<Record<ChannelType, 'text' | 'announcement' | 'voice' | 'stage' | 'forum' | 'category'>> = {
      [ChannelType.GuildText]: 'text',
      [ChannelType.GuildAnnouncement]: 'announcement',
      [ChannelType.GuildVoice]: 'voice',
      [ChannelType.GuildStageVoice]: 'stage',
      [ChannelType.GuildForum]: 'forum',
      [ChannelType.GuildCategory]: 'category',
    };
    const position = (c: { position?: number }) => c.position ?? 0;
    const categories = new Map(channels.filter((c) => c.type === ChannelType.GuildCategory).map((c) => [c.id, position(c as { position?: number })]));
    return {
      roles: [...roles]
        .sort((a, b) => b.position - a.position || a.id.localeCompare(b.id))
        .map((r) => ({ id: r.id, name: r.id === ctx.guild ? '@everyone' : r.name, color: r.color, position: r.position, managed: r.managed, everyone: r.id === ctx.guild })),
      channels: channels
        .filter((c) => PICKABLE.includes(c.type))
        .map((c) => {
          const parentId = 'parent_id' in c ? (c.parent_id ?? null) : null;
          return { id: c.id, name: 'name' in c && c.name ? c.name : c.id, type: c.type, kind: kinds[c.type]!, parentId, position: position(c as { position?: number }), sortKey: [parentId ? (categories.get(parentId) ?? 0) : c.type === ChannelType.GuildCategory ? position(c as { position?: number }) : -1, c.type === ChannelType.GuildCategory ? -1 : position(c as { position?: number })] };
        })
        .sort((a, b) => a.sortKey[0]! - b.sortKey[0]! || a.sortKey[1]! - b.sortKey[1]! || a.id.localeCompare(b.id))
        .map(({ sortKey: _sortKey, ...c }) => c),
    };
  },
});
