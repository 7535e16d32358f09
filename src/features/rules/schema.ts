/**
 * Rules tables: the rules themselves (a JSON definition per guild, versioned, audited on
 * change), the firings they made (one row per firing key: the cooldown, cap and recompute
 * record), and the counters of `counter` conditions.
 */
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Rule } from './rule-format';

export const rules = sqliteTable(
  'rules',
  {
    id: text('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    name: text('name').notNull(),
    definition: text('definition', { mode: 'json' }).$type<Rule>().notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** Bumped by every change; firings record the version that decided them. */
    version: integer('version').notNull().default(1),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('rules_guild_name').on(t.guildId, t.name)],
);

export const ruleFires = sqliteTable(
  'rule_fires',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    ruleId: text('rule_id').notNull(),
    userId: text('user_id').notNull(),
    /** The firing key (engine.ts); also the ledger idempotency key's stem. */
    fireKey: text('fire_key').notNull(),
    sourceId: text('source_id').notNull(),
    /** UTC day number of the event. */
    day: integer('day').notNull(),
    /** The event's time (ms). */
    at: integer('at').notNull(),
    /** Signed sum of the currency the firing credited (debits negative), by currency id: `{ "c1": 17 }`. */
    amounts: text('amounts', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    ruleVersion: integer('rule_version').notNull(),
    /** `fire` (a live firing) or `correction` (a recompute's difference). */
    kind: text('kind', { enum: ['fire', 'correction'] }).notNull().default('fire'),
  },
  (t) => [uniqueIndex('rule_fires_guild_key').on(t.guildId, t.fireKey), index('rule_fires_member').on(t.guildId, t.ruleId, t.userId, t.at)],
);

export const ruleCounters = sqliteTable(
  'rule_counters',
  {
    guildId: text('guild_id').notNull(),
    ruleId: text('rule_id').notNull(),
    userId: text('user_id').notNull(),
    value: real('value').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.ruleId, t.userId] })],
);

export type RuleRow = typeof rules.$inferSelect;

/**
 * Who is in which voice channel, per guild with a `VOICE_MINUTE` rule (the voice lake hook
 * keeps it from `VOICE_STATE_UPDATE`; the voice-minutes cron reads it). A leave keeps the
 * row with `channel_id` null, so an older state delivered late cannot undo it (`at` guards
 * every write); the cron drops such rows after a day.
 */
export const voiceStates = sqliteTable(
  'voice_states',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    /** Null once the member left voice. */
    channelId: text('channel_id'),
    /** Self- or server-muted, or deafened: earns nothing. */
    muted: integer('muted', { mode: 'boolean' }).notNull(),
    bot: integer('bot', { mode: 'boolean' }).notNull(),
    roleIds: text('role_ids', { mode: 'json' }).$type<string[]>(),
    /** When the state was received (ms): a write older than the row's is ignored. */
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);
