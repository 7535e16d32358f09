/**
 * The event lake's view of a gateway dispatch: who, where, when and counts only, never
 * message content (consumer side; the relay's side is `src/discord/gateway/dispatch.ts`).
 */
import type {
  GatewayGuildMemberAddDispatchData,
  GatewayGuildMemberUpdateDispatchData,
  GatewayMessageCreateDispatchData,
  GatewayMessageReactionAddDispatchData,
  GatewayMessageReactionRemoveDispatchData,
  GatewayVoiceStateUpdateDispatchData,
} from 'discord-api-types/v10';
import { and, asc, eq, gt, gte, lte, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { obj, str } from '../../discord/gateway/dispatch';
import { snowflakeTime } from '../../discord/snowflake';
import { gatewayEvents, type EventSummary } from './schema';

export { snowflakeTime };

/** The columns the event lake stores for an event: who, where, when, and counts only. */
export interface LakeFacts {
  channelId: string | null;
  userId: string | null;
  occurredAt: number;
  summary: EventSummary;
}

/** Role ids and join time of a dispatch's member object (no name, nick or avatar). */
function memberFacts(member: unknown): { roleIds?: string[]; joinedAt?: number } {
  const m = obj(member);
  const out: { roleIds?: string[]; joinedAt?: number } = {};
  if (Array.isArray(m.roles)) out.roleIds = m.roles.filter((r): r is string => typeof r === 'string').slice(0, 250);
  const joined = typeof m.joined_at === 'string' ? Date.parse(m.joined_at) : NaN;
  if (Number.isFinite(joined)) out.joinedAt = joined;
  return out;
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
          ...memberFacts(m.member),
        },
      };
    }
    case 'MESSAGE_REACTION_ADD': {
      const r = p as Partial<GatewayMessageReactionAddDispatchData>;
      const emoji = str(r.emoji?.name) ?? str(r.emoji?.id);
      return {
        channelId: str(r.channel_id),
        userId: str(r.user_id),
        occurredAt: receivedAt,
        summary: { bot: r.member?.user?.bot === true, ...(emoji ? { emoji } : {}), ...(str(r.message_author_id) ? { authorId: r.message_author_id } : {}), ...memberFacts(r.member) },
      };
    }
    case 'MESSAGE_REACTION_REMOVE': {
      // No member object and no message author in this dispatch: who removed which emoji, where.
      const r = p as Partial<GatewayMessageReactionRemoveDispatchData>;
      const emoji = str(r.emoji?.name) ?? str(r.emoji?.id);
      return { channelId: str(r.channel_id), userId: str(r.user_id), occurredAt: receivedAt, summary: { bot: false, ...(emoji ? { emoji } : {}) } };
    }
    case 'VOICE_STATE_UPDATE': {
      const v = p as Partial<GatewayVoiceStateUpdateDispatchData>;
      return {
        channelId: str(v.channel_id),
        userId: str(v.user_id),
        occurredAt: receivedAt,
        summary: { bot: v.member?.user?.bot === true, muted: v.self_mute === true || v.mute === true, deafened: v.self_deaf === true || v.deaf === true, ...memberFacts(v.member) },
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

/**
 * One page of a guild's lake rows of one type in a time range, in time order (dry runs). Pass
 * the last row's `occurredAt` and `id` as `after` for the next page; each page is a range
 * read of the (guild, type, occurred_at) index.
 */
export async function readLake(
  db: Db,
  query: { guildId: string; type: string; since: number; until: number; after?: { occurredAt: number; id: number }; limit: number },
): Promise<{ id: number; sourceId: string; type: string; channelId: string | null; userId: string | null; occurredAt: number; payload: EventSummary }[]> {
  const after = query.after;
  return db
    .select({ id: gatewayEvents.id, sourceId: gatewayEvents.sourceId, type: gatewayEvents.type, channelId: gatewayEvents.channelId, userId: gatewayEvents.userId, occurredAt: gatewayEvents.occurredAt, payload: gatewayEvents.payload })
    .from(gatewayEvents)
    .where(
      and(
        eq(gatewayEvents.guildId, query.guildId),
        eq(gatewayEvents.type, query.type),
        lte(gatewayEvents.occurredAt, query.until),
        after
          ? or(gt(gatewayEvents.occurredAt, after.occurredAt), and(eq(gatewayEvents.occurredAt, after.occurredAt), gt(gatewayEvents.id, after.id)))
          : gte(gatewayEvents.occurredAt, query.since),
      ),
    )
    .orderBy(asc(gatewayEvents.occurredAt), asc(gatewayEvents.id))
    .limit(query.limit);
}
