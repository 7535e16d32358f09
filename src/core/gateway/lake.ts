/**
 * The event lake's view of a gateway dispatch: who, where, when and counts only, never
 * message content (consumer side; the relay's side is `src/discord/gateway/dispatch.ts`).
 */
import type {
  GatewayGuildMemberAddDispatchData,
  GatewayGuildMemberUpdateDispatchData,
  GatewayMessageCreateDispatchData,
} from 'discord-api-types/v10';
import { obj, str } from '../../discord/gateway/dispatch';
import { snowflakeTime } from '../../discord/snowflake';
import type { EventSummary } from './schema';

export { snowflakeTime };

/** The columns the event lake stores for an event: who, where, when, and counts only. */
export interface LakeFacts {
  channelId: string | null;
  userId: string | null;
  occurredAt: number;
  summary: EventSummary;
}

/** Extracts the lake's facts from a dispatch, dropping message content. */
export function lakeFacts(type: string, d: unknown, receivedAt: number): LakeFacts {
  const p = obj(d);
  switch (type) {
    case 'MESSAGE_CREATE': {
      const m = p as Partial<GatewayMessageCreateDispatchData>;
      const id = str(m.id);
      return {
        channelId: str(m.channel_id),
        userId: str(m.author?.id),
        occurredAt: (id && snowflakeTime(id)) || receivedAt,
        summary: {
          length: typeof m.content === 'string' ? m.content.length : 0,
          attachments: Array.isArray(m.attachments) ? m.attachments.length : 0,
          mentions: (Array.isArray(m.mentions) ? m.mentions.length : 0) + (Array.isArray(m.mention_roles) ? m.mention_roles.length : 0),
          dm: !m.guild_id,
          bot: m.author?.bot === true,
        },
      };
    }
    case 'GUILD_MEMBER_ADD': {
      const m = p as Partial<GatewayGuildMemberAddDispatchData>;
      const joined = m.joined_at ? Date.parse(m.joined_at) : NaN;
      return {
        channelId: null,
        userId: str(m.user?.id),
        occurredAt: Number.isFinite(joined) ? joined : receivedAt,
        summary: { bot: m.user?.bot === true },
      };
    }
    case 'GUILD_MEMBER_UPDATE': {
      const m = p as Partial<GatewayGuildMemberUpdateDispatchData>;
      return {
        channelId: null,
        userId: str(m.user?.id),
        occurredAt: receivedAt,
        summary: { bot: m.user?.bot === true, roles: Array.isArray(m.roles) ? m.roles.length : 0, pending: m.pending === true },
      };
    }
    default: {
      const user = obj(p.user);
      return { channelId: str(p.channel_id), userId: str(user.id), occurredAt: receivedAt, summary: { bot: user.bot === true } };
    }
  }
}
