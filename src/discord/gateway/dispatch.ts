/**
 * What the relay makes of a gateway dispatch: its deterministic source id and its guild.
 * (The content-free facts the event lake keeps are the consumer's: `src/core/gateway/lake.ts`.)
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

/** Dispatch types the relay forwards whether or not a feature subscribes (the event lake wants them). */
export const DEFAULT_FORWARDED_EVENTS = ['GUILD_MEMBER_ADD', 'GUILD_MEMBER_REMOVE', 'GUILD_MEMBER_UPDATE', 'MESSAGE_CREATE'] as const;

type Payload = Record<string, unknown>;

/** The payload as an object (`{}` when it is not one). */
export const obj = (v: unknown): Payload => (typeof v === 'object' && v !== null ? (v as Payload) : {});
/** A non-empty string, or null. */
export const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

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
