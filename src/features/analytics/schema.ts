/**
 * Analytics tables: rollups of the event lake (hourly, then daily), per-member last-seen
 * facts, and the rollup's watermarks. Every row is a pure function of the lake (and the
 * command log) over its period, so recomputing a period writes the same row, and the lake's
 * insert-or-ignore on source id already made redelivered events count once.
 *
 * Guild rows and channel rows live in separate tables so that a guild's series reads one row
 * per period (distinct members of a guild cannot be summed from its channels).
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

const counts = () => ({
  messages: integer('messages').notNull().default(0),
  /** Distinct members who sent a message, reacted, moved in voice or used a command in the period. */
  members: integer('members').notNull().default(0),
  reactions: integer('reactions').notNull().default(0),
  voiceMinutes: integer('voice_minutes').notNull().default(0),
});

const guildCounts = () => ({
  ...counts(),
  joins: integer('joins').notNull().default(0),
  leaves: integer('leaves').notNull().default(0),
  commands: integer('commands').notNull().default(0),
});

/** One UTC hour of a guild (hours since the epoch). Kept `ANALYTICS_HOURLY_DAYS`. */
export const analyticsGuildHours = sqliteTable(
  'analytics_guild_hours',
  { guildId: text('guild_id').notNull(), hour: integer('hour').notNull(), ...guildCounts() },
  (t) => [primaryKey({ columns: [t.guildId, t.hour] }), index('analytics_guild_hours_hour').on(t.hour)],
);

/** One UTC hour of a channel. Kept `ANALYTICS_HOURLY_DAYS`. */
export const analyticsChannelHours = sqliteTable(
  'analytics_channel_hours',
  { guildId: text('guild_id').notNull(), hour: integer('hour').notNull(), channelId: text('channel_id').notNull(), ...counts() },
  (t) => [primaryKey({ columns: [t.guildId, t.hour, t.channelId] }), index('analytics_channel_hours_hour').on(t.hour)],
);

/**
 * One settled UTC day of a guild (days since the epoch), compacted from the hours and the
 * lake. `hourly` keeps the day's messages per UTC hour (`{"13": 42}`, absent = 0) so the
 * heatmap can be drawn in any timezone after the hours are gone. Kept `ANALYTICS_RETENTION_DAYS`.
 */
export const analyticsGuildDays = sqliteTable(
  'analytics_guild_days',
  {
    guildId: text('guild_id').notNull(),
    day: integer('day').notNull(),
    ...guildCounts(),
    hourly: text('hourly', { mode: 'json' }).$type<Record<string, number>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.day] }), index('analytics_guild_days_day').on(t.day)],
);

/** One settled UTC day of a channel. Kept `ANALYTICS_RETENTION_DAYS`. */
export const analyticsChannelDays = sqliteTable(
  'analytics_channel_days',
  { guildId: text('guild_id').notNull(), day: integer('day').notNull(), channelId: text('channel_id').notNull(), ...counts() },
  (t) => [primaryKey({ columns: [t.guildId, t.day, t.channelId] }), index('analytics_channel_days_day').on(t.day)],
);

/**
 * What Gatehouse last saw of a member (ms; null = never): kept up to date from the lake and
 * the command log by max-merges, so replaying any window changes nothing. `last_active_at`
 * is the greatest of the four activity times, indexed, so lurkers are a range read.
 */
export const analyticsMembers = sqliteTable(
  'analytics_members',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    lastMessageAt: integer('last_message_at'),
    lastReactionAt: integer('last_reaction_at'),
    lastVoiceAt: integer('last_voice_at'),
    lastInteractionAt: integer('last_interaction_at'),
    /** Greatest of the four above (0 = no activity seen). */
    lastActiveAt: integer('last_active_at').notNull().default(0),
    /** Latest join seen (GUILD_MEMBER_ADD, or `joined_at` carried by a message's member). */
    joinedAt: integer('joined_at'),
    /** Latest leave seen; the member is gone when it is after `joined_at`. */
    leftAt: integer('left_at'),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] }), index('analytics_members_active').on(t.guildId, t.lastActiveAt)],
);

/** Bot-wide progress of the rollup jobs: `hours` (first hour not final), `days` (first day not compacted), `messages-pruned`. */
export const analyticsWatermarks = sqliteTable('analytics_watermarks', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});
