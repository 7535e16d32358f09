/**
 * The fake gateway's control-API types, shared by the Node server and the fetch-only client.
 * Discord payload types come from discord-api-types.
 */
import type { GatewayOpcodes } from 'discord-api-types/v10';

/** Options for a new fake gateway instance (one Discord application, one shard plan). */
export interface FakeGatewayOptions {
  /** The bot token IDENTIFY and RESUME must carry. Default `test-bot-token`. */
  token?: string;
  /** `heartbeat_interval` sent in HELLO (ms). Default 41250, as Discord. */
  heartbeatIntervalMs?: number;
  /**
   * Close with 4009 when no heartbeat arrives within `interval × factor` (Discord's
   * missed-heartbeat close). 0 turns the check off. Default 1.5.
   */
  missedHeartbeatFactor?: number;
  /** Privileged intents enabled in the "Developer Portal" (bit field). Default: all three. */
  privilegedIntents?: number;
  /** Shard count the application must identify with. Default 1. */
  shards?: number;
  /** Instance id (16 hex digits) to use instead of a random one, when free. */
  id?: string;
}

/** One connection a client opened. */
export interface ConnectionRecord {
  /** 1, 2, … in the order they were opened. */
  n: number;
  /** `/g/<id>` or `/g/<id>/resume` (the resume URL READY announced). */
  path: string;
  query: Record<string, string>;
  openedAt: number;
  closedAt: number | null;
  closeCode: number | null;
  /** `client`, `server` (a close frame), `drop` (the server cut the socket, no close frame). */
  closedBy: 'client' | 'server' | 'drop' | null;
}

/** A payload the client sent. */
export interface ReceivedPayload {
  conn: number;
  at: number;
  op: GatewayOpcodes;
  d: unknown;
}

/** A dispatch the server sent (or holds for replay). */
export interface SentDispatch {
  s: number;
  t: string;
  d: unknown;
  /** Connection it went out on, or null while no connection was live (replayed on RESUME). */
  conn: number | null;
}

/** The state of one fake instance, for assertions. */
export interface FakeGatewayLog {
  connections: ConnectionRecord[];
  received: ReceivedPayload[];
  dispatched: SentDispatch[];
  session: { id: string; seq: number; live: boolean } | null;
}

/** Answer of creating an instance. */
export interface FakeGatewayInstance {
  id: string;
  /** What `GET /gateway/bot` should answer as `url` (`ws://…/g/<id>`). */
  url: string;
}
