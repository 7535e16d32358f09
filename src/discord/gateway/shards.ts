/**
 * Shard naming and the relay's public shapes, free of runtime imports so Node scripts and
 * the bot Worker's commands can use them without loading the Durable Object class.
 */

import type { QuarantinedEvent } from './outbox';

/** GUILDS | GUILD_MEMBERS | GUILD_MODERATION | GUILD_VOICE_STATES | GUILD_MESSAGES | GUILD_MESSAGE_REACTIONS | DIRECT_MESSAGES | MESSAGE_CONTENT. */
export const DEFAULT_INTENTS = 38535;

/** What a shard is started with (`startGateway` computes it from `GET /gateway/bot`). */
export interface ShardPlan {
  shard: [id: number, count: number];
  /** Gateway URL (`wss://gateway.discord.gg`); the relay adds `?v=10&encoding=json`. */
  url: string;
  intents: number;
  /** Wait this long before the first IDENTIFY (identify concurrency buckets). */
  identifyDelayMs?: number;
}

/** The relay's report for `/health` and `/gateway status`. */
export interface RelayStatus {
  /** False when the relay stopped on a close that reconnecting cannot fix. */
  ok: boolean;
  name: string | null;
  /** `[id, count]`. */
  shard: number[] | null;
  state: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopped';
  connected: boolean;
  /** Since READY of the current session (ms). */
  sessionAgeMs: number | null;
  /** Latency of the last heartbeat ACK (ms). */
  lastAckLatencyMs: number | null;
  lastSeq: number | null;
  eventsForwarded: number;
  /** Queue messages those events travelled in (a burst is packed, several events a message). */
  queueMessages: number;
  /** Events received and stored but not yet on the queue. */
  pendingEvents: number;
  /** Events set aside because no queue message can hold them (kept in the relay, never retried). */
  quarantined: number;
  /** The newest quarantined events: outbox id, source id, type, UTF-8 size, why, when. */
  quarantine: QuarantinedEvent[];
  lastClose: { code: number; meaning: string; at: number } | null;
  stopped: { code: number | null; reason: string; at: number } | null;
  detail: string;
}

/** The Durable Object name of a shard. */
export function shardName(id: number, count: number): string {
  return `shard-${id}-of-${count}`;
}
