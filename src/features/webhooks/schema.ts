/**
 * Outgoing webhooks: a guild's subscriptions (target URL, event types, the signing secret
 * sealed at rest) and one delivery row per (subscription, event type, event key), written
 * before its queue message is sent (the intent) and settled by the consumer.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One subscription of a guild to some event types. */
export const webhookSubscriptions = sqliteTable(
  'webhook_subscriptions',
  {
    id: text('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    url: text('url').notNull(),
    /** Event types (`INTERNAL_EVENT_TYPES`), a JSON array. */
    events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
    /** The signing secret, AES-GCM sealed under `WEBHOOKS_SECRET` (it must be read back to sign). */
    secretSealed: text('secret_sealed').notNull(),
    /** The secret's last 4 characters, to tell secrets apart on the dashboard. */
    secretHint: text('secret_hint').notNull(),
    /**
     * The secret before the last rotation, sealed the same way, kept for a rotation's overlap:
     * until `previousSecretExpiresAt` (ms) deliveries carry its signature too. Null without one.
     */
    previousSecretSealed: text('previous_secret_sealed'),
    previousSecretHint: text('previous_secret_hint'),
    previousSecretExpiresAt: integer('previous_secret_expires_at'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** Why it was disabled (by the consumer after repeated failures, or by a manager). */
    disabledReason: text('disabled_reason'),
    /** Failed attempts in a row, reset by any success. */
    failures: integer('failures').notNull().default(0),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastSuccessAt: integer('last_success_at'),
  },
  (t) => [index('webhook_subscriptions_guild').on(t.guildId)],
);

/** Delivery states: `pending` (due at `next_at`, or in flight under `lease_until`), then one of the others. */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event for one subscription; the unique index makes repeats of an event write nothing. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    /** Also the `X-Gatehouse-Delivery` header: receivers deduplicate on it. */
    id: text('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    eventType: text('event_type').notNull(),
    eventKey: text('event_key').notNull(),
    /** The exact JSON body sent (and signed) on every attempt and replay. */
    body: text('body').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When it is due (ms); the requeue cron resends pending rows past it. */
    nextAt: integer('next_at').notNull(),
    /** A consumer holds it until then (ms). */
    leaseUntil: integer('lease_until').notNull().default(0),
    responseCode: integer('response_code'),
    latencyMs: integer('latency_ms'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event').on(t.subscriptionId, t.eventType, t.eventKey),
    index('webhook_deliveries_log').on(t.guildId, t.subscriptionId, t.createdAt),
    index('webhook_deliveries_due').on(t.status, t.nextAt),
  ],
);

export type WebhookSubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
