/**
 * Gateway tables: the event lake (every forwarded gateway event, once, without message
 * content) and the shard plan the relay was last started with.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** What the event lake keeps of an event: counts and flags, never message content. */
export interface EventSummary {
  /** MESSAGE_CREATE: content length in characters. */
  length?: number;
  attachments?: number;
  mentions?: number;
  /** MESSAGE_CREATE: sent in a DM (no guild). */
  dm?: boolean;
  /** The author or member is a bot. */
  bot?: boolean;
  /** GUILD_MEMBER_UPDATE: role count after the update. */
  roles?: number;
  /** GUILD_MEMBER_UPDATE: membership screening still pending. */
  pending?: boolean;
  /** MESSAGE_CREATE, MESSAGE_REACTION_ADD, VOICE_STATE_UPDATE: the member's role ids then (rules' role conditions and multipliers). */
  roleIds?: string[];
  /** The member's `joined_at` (ms), when the event carried it. */
  joinedAt?: number;
  /** MESSAGE_REACTION_ADD: the emoji (unicode, or a custom emoji's name) and the message's author. */
  emoji?: string;
  authorId?: string;
  /** VOICE_STATE_UPDATE: self-muted or self-deafened (or muted/deafened by the server). */
  muted?: boolean;
  deafened?: boolean;
}

/**
 * The event lake: one row per gateway event, keyed by its deterministic source id. The
 * consumer inserts with insert-or-ignore and runs handlers only for rows it claims, so a
 * redelivered event changes nothing. `handled` lists the handlers that finished, so a retry
 * after a partial failure runs only the ones that did not.
 */
export const gatewayEvents = sqliteTable(
  'gateway_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceId: text('source_id').notNull(),
    type: text('type').notNull(),
    guildId: text('guild_id'),
    channelId: text('channel_id'),
    userId: text('user_id'),
    /** When the event happened (ms): snowflake time, `joined_at`, or when the relay saw it. */
    occurredAt: integer('occurred_at').notNull(),
    receivedAt: integer('received_at').notNull(),
    payload: text('payload', { mode: 'json' }).$type<EventSummary>().notNull(),
    /** pending | done | dead */
    status: text('status').notNull().default('pending'),
    /** `feature.handler` names that completed. */
    handled: text('handled', { mode: 'json' }).$type<string[]>().notNull().default([]),
    attempts: integer('attempts').notNull().default(0),
    /** A consumer holds the event until then (ms); others retry later. */
    leaseUntil: integer('lease_until').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('gateway_events_source').on(t.sourceId),
    index('gateway_events_occurred').on(t.occurredAt),
    index('gateway_events_guild_type_occurred').on(t.guildId, t.type, t.occurredAt),
  ],
);

/** The shards the relay runs: written by `startGateway`, read by `/health` and `/gateway status`. */
export const gatewayShards = sqliteTable('gateway_shards', {
  /** Durable Object name, `shard-<i>-of-<n>`. */
  name: text('name').primaryKey(),
  shardId: integer('shard_id').notNull(),
  shardCount: integer('shard_count').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type GatewayEventRow = typeof gatewayEvents.$inferSelect;
