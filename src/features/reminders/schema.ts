/**
 * Reminders and the timezone each member reads times in. Times are ms since epoch.
 *
 * A reminder is `pending` until due; the delivery cron claims due rows with one
 * conditional UPDATE (`processing` under `claim_token` until `lease_until`), posts, and only
 * then marks them `delivered`. A run that died mid-way leaves its rows `processing` until
 * the lease lapses; the next run takes them again and posts with the same message nonce,
 * which Discord answers with the first message instead of a second one.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Where a reminder goes. */
export const REMINDER_TARGETS = ['channel', 'dm'] as const;

/** A reminder's life. */
export const REMINDER_STATUSES = ['pending', 'processing', 'delivered', 'cancelled', 'failed'] as const;

/** A reminder status. */
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/** One reminder. */
export const reminders = sqliteTable(
  'reminders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    channelId: text('channel_id').notNull(),
    target: text('target', { enum: REMINDER_TARGETS }).notNull(),
    text: text('text').notNull(),
    dueAt: integer('due_at').notNull(),
    status: text('status', { enum: REMINDER_STATUSES }).notNull().default('pending'),
    claimToken: text('claim_token'),
    leaseUntil: integer('lease_until'),
    /** After a transient failure: not before this time (`due_at` keeps the promised time). */
    retryAt: integer('retry_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** Where it was delivered: `dm` when the channel was gone and it fell back. */
    deliveredTo: text('delivered_to'),
    deliveredAt: integer('delivered_at'),
    messageId: text('message_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('reminders_due').on(t.status, t.dueAt), index('reminders_guild_user').on(t.guildId, t.userId, t.status)],
);

/** A member's timezone (IANA name) for `at 18:30`. */
export const reminderTimezones = sqliteTable(
  'reminder_timezones',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    timezone: text('timezone').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);

/** A reminder row. */
export type ReminderRow = typeof reminders.$inferSelect;
