/**
 * Gateway close codes: what they mean, and what the relay does after each.
 * @see https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes
 */
import { GatewayCloseCodes } from 'discord-api-types/v10';

/** Codes the relay closes with itself. Never 1000/1001: those end the session. */
export const RelayCloseCodes = {
  /** No heartbeat ACK between two heartbeats. */
  Zombie: 4900,
  /** Discord sent op 7 RECONNECT. */
  Reconnect: 4901,
  /** Discord sent op 9 INVALID_SESSION. */
  InvalidSession: 4902,
  /** The relay was told to stop. */
  Stopped: 4903,
} as const;

/** Closes after which reconnecting cannot help: the relay stops and reports. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  GatewayCloseCodes.AuthenticationFailed,
  GatewayCloseCodes.InvalidShard,
  GatewayCloseCodes.ShardingRequired,
  GatewayCloseCodes.InvalidAPIVersion,
  GatewayCloseCodes.InvalidIntents,
  GatewayCloseCodes.DisallowedIntents,
]);

/** Closes after which the session is gone: identify again. */
export const REIDENTIFY_CLOSE_CODES: ReadonlySet<number> = new Set([GatewayCloseCodes.InvalidSeq, GatewayCloseCodes.SessionTimedOut]);

const MEANINGS: Record<number, string> = {
  1000: 'closed normally',
  1001: 'going away',
  1005: 'closed without a code',
  1006: 'connection lost (no close frame)',
  [GatewayCloseCodes.UnknownError]: 'unknown error',
  [GatewayCloseCodes.UnknownOpcode]: 'unknown opcode sent',
  [GatewayCloseCodes.DecodeError]: 'invalid payload sent',
  [GatewayCloseCodes.NotAuthenticated]: 'payload sent before identifying',
  [GatewayCloseCodes.AuthenticationFailed]: 'authentication failed: the bot token is invalid',
  [GatewayCloseCodes.AlreadyAuthenticated]: 'identified twice',
  [GatewayCloseCodes.InvalidSeq]: 'invalid sequence number on resume',
  [GatewayCloseCodes.RateLimited]: 'rate limited',
  [GatewayCloseCodes.SessionTimedOut]: 'session timed out',
  [GatewayCloseCodes.InvalidShard]: 'invalid shard',
  [GatewayCloseCodes.ShardingRequired]: 'sharding required: too many guilds for the shard count',
  [GatewayCloseCodes.InvalidAPIVersion]: 'invalid gateway API version',
  [GatewayCloseCodes.InvalidIntents]: 'invalid intents',
  [GatewayCloseCodes.DisallowedIntents]:
    'privileged intents not enabled: turn on Server Members Intent and Message Content Intent in the Developer Portal (Bot page)',
  [RelayCloseCodes.Zombie]: 'zombie connection: no heartbeat ACK',
  [RelayCloseCodes.Reconnect]: 'Discord asked for a reconnect (op 7)',
  [RelayCloseCodes.InvalidSession]: 'Discord invalidated the session (op 9)',
  [RelayCloseCodes.Stopped]: 'stopped',
};

/** A sentence for a close code. */
export function closeMeaning(code: number | null): string {
  if (code === null) return 'never closed';
  return MEANINGS[code] ?? `close code ${code}`;
}
