/**
 * The join funnel's per-member facts, written as the events arrive (a lake hook for joins and
 * first messages, the `level_up` internal event for levels): one row per member and guild,
 * from their latest join. Applications and their decisions are read from the gate's public
 * surface at query time.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const funnelMembers = sqliteTable(
  'analytics_funnel_members',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    /** The latest join (a rejoin starts the funnel again). */
    joinedAt: integer('joined_at').notNull(),
    /** Their first message since that join. */
    firstMessageAt: integer('first_message_at'),
    /** The highest level reached since that join (0: none yet). */
    maxLevel: integer('max_level').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] }), index('analytics_funnel_joined').on(t.guildId, t.joinedAt)],
);
