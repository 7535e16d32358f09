/**
 * Tags: canned answers staff write and anyone may post. Names are unique per guild (stored
 * lower case); `uses` is bumped by the same statement that reads the tag for `/tag show`.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One tag. */
export const tags = sqliteTable(
  'tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    name: text('name').notNull(),
    content: text('content').notNull(),
    /** Whether posting the tag may ping the users, roles and @everyone it mentions. */
    allowMentions: integer('allow_mentions', { mode: 'boolean' }).notNull().default(false),
    uses: integer('uses').notNull().default(0),
    createdBy: text('created_by').notNull(),
    updatedBy: text('updated_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('tags_guild_name').on(t.guildId, t.name), index('tags_guild_uses').on(t.guildId, t.uses)],
);

/** A tag row. */
export type TagRow = typeof tags.$inferSelect;
