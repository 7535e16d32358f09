/**
 * What a gateway dispatch becomes: its deterministic source id (relay side) and the
 * content-free facts the event lake keeps (consumer side).
 *
 * Source ids. A redelivered event must carry the id it had the first time:
 * - `MESSAGE_CREATE`: the message id (a snowflake, unique across Discord).
 * - `GUILD_MEMBER_ADD`: `guild:user:joined_at` (a rejoin has a new `joined_at`).
 * - `GUILD_MEMBER_REMOVE` / `GUILD_MEMBER_UPDATE`: nothing in the payload tells two real
 *   occurrences apart (a user can leave twice; roles can go A → B → A), so these use
 *   `type:guild:user:session:seq`. Discord replays a resumed session with the same session and
 *   sequence numbers, and the relay stores the id with the event before it is queued, so every
 *   redelivery path carries the same id. A new session never replays old events.
 * - anything else: `type:session:seq`.
 */
import type {
  GatewayGuildMemberAddDispatchData,
  GatewayGuildMemberRemoveDispatchData,
  GatewayGuildMemberUpdateDispatchData,
  GatewayMessageCreateDispatchData,
} from 'discord-api-types/v10';
import type { EventSummary } from '../../core/gateway/schema';

/** Dispatch types the relay forwards whether or not a feature subscribes (the event lake wants them). */
export const DEFAULT_FORWARDED_EVENTS = ['GUILD_MEMBER_ADD', 'GUILD_MEMBER_REMOVE', 'GUILD_MEMBER_UPDATE', 'MESSAGE_CREATE'] as const;

const DISCORD_EPOCH = 1420070400000n;

/** The creation time (ms) encoded in a snowflake, or null when `id` is not one. */
export function snowflakeTime(id: string): number | null {
  if (!/^\d{1,20}$/.test(id)) return null;
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

type Payload = Record<string, unknown>;

const obj = (v: unknown): Payload => (typeof v === 'object' && v !== null ? (v as Payload) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The id redelivery of this dispatch will carry. `session` and `seq` come from the gateway. */
export function sourceIdFor(type: string, d: unknown, session: string, seq: number): string {
  const p = obj(d);
  switch (type) {
    case 'MESSAGE_CREATE': {
      const id = str((p as Partial<GatewayMessageCreateDispatchData>).id);
      if (id) return id;
      break;
    }
    case 'GUILD_MEMBER_ADD': {
      const m = p as Partial<GatewayGuildMemberAddDispatchData>;
      const user = str(m.user?.id);
      if (m.guild_id && user && m.joined_at) return `${m.guild_id}:${user}:${m.joined_at}`;
      break;
    }
    case 'GUILD_MEMBER_REMOVE':
    case 'GUILD_MEMBER_UPDATE': {
      const m = p as Partial<GatewayGuildMemberRemoveDispatchData | GatewayGuildMemberUpdateDispatchData>;
      const user = str(m.user?.id);
      if (m.guild_id && user) return `${type}:${m.guild_id}:${user}:${session}:${seq}`;
      break;
    }
  }
  return `${type}:${session}:${seq}`;
}

/** The guild a dispatch belongs to, or null (DMs, global events). */
export function guildIdOf(d: unknown): string | null {
  return str(obj(d).guild_id);
}

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
