/**
 * Levels tables: each member's level in the guild's XP currency, and whether their level
 * roles and announcement are in line with it yet (`pending`): the live path sets it when a
 * credit raises the level, the sync cron (and backfill) works through pending rows within
 * its budget, so a level-up is never lost when a batch runs out of subrequests.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const memberLevels = sqliteTable(
  'member_levels',
  {
    guildId: text('guild_id').notNull(),
    currencyId: text('currency_id').notNull(),
    userId: text('user_id').notNull(),
    level: integer('level').notNull().default(0),
    /** The level whose roles (and announcement) were applied; -1: never. */
    syncedLevel: integer('synced_level').notNull().default(-1),
    /** Roles or an announcement are owed (synced_level <> level, or a backfill asked). */
    pending: integer('pending', { mode: 'boolean' }).notNull().default(false),
    /** Announce the next level-up (false once the sync ran for a backfill: no announcements). */
    announce: integer('announce', { mode: 'boolean' }).notNull().default(true),
    /** Where the message that raised the level was sent (announcements in `event` mode). */
    channelId: text('channel_id'),
    /** The member turned level-up announcements off. */
    optOut: integer('opt_out', { mode: 'boolean' }).notNull().default(false),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.currencyId, t.userId] }), index('member_levels_pending').on(t.pending, t.guildId)],
);

export type MemberLevelRow = typeof memberLevels.$inferSelect;
