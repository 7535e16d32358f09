/**
 * Platform tables owned by the dashboard: the overview's daily rollup.
 */
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One settled UTC day of a guild's overview (applications submitted and decided, cases
 * opened, commands used), written once by the first overview request that needs the day
 * after it has settled, and read back instead of recounting. Members joined and left are
 * not kept here: the overview reads them from analytics' rollups.
 */
export const overviewDays = sqliteTable(
  'overview_days',
  {
    guildId: text('guild_id').notNull(),
    /** Days since 1970-01-01 UTC. */
    day: integer('day').notNull(),
    submitted: integer('submitted').notNull(),
    decided: integer('decided').notNull(),
    cases: integer('cases').notNull(),
    commands: integer('commands').notNull(),
    computedAt: integer('computed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.day] })],
);

export type OverviewDayRow = typeof overviewDays.$inferSelect;
