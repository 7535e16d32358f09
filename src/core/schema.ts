/**
 * Platform tables: guild settings, staff roles, channels by purpose, module flags,
 * cooldowns, the command log and the configuration audit log.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Per-guild settings that are not worth a table of their own (JSON per feature key).
 * `version` grows by one per write: a writer changes the row only at the version it read.
 */
export const guildSettings = sqliteTable(
  'guild_settings',
  {
    guildId: text('guild_id').notNull(),
    key: text('key').notNull(),
    value: text('value', { mode: 'json' }).notNull(),
    version: integer('version').notNull().default(0),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.key] })],
);

/** Role → staff level mapping. A role maps to one level. */
export const staffRoles = sqliteTable(
  'staff_roles',
  {
    guildId: text('guild_id').notNull(),
    roleId: text('role_id').notNull(),
    level: text('level').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.roleId] })],
);

/** Channel mapping by purpose (mod_log, review, modmail, welcome, bot_log, …). */
export const guildChannels = sqliteTable(
  'guild_channels',
  {
    guildId: text('guild_id').notNull(),
    purpose: text('purpose').notNull(),
    channelId: text('channel_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.purpose] })],
);

/** Explicit module on/off; absent means the feature's default. */
export const moduleFlags = sqliteTable(
  'module_flags',
  {
    guildId: text('guild_id').notNull(),
    module: text('module').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.module] })],
);

/** Per-user command cooldowns: the time (ms) until which `key` is refused. */
export const cooldowns = sqliteTable(
  'cooldowns',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    key: text('key').notNull(),
    until: integer('until').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId, t.key] })],
);

/** Every interaction handled: who, what, outcome and latency. */
export const commandLog = sqliteTable(
  'command_log',
  {
    // A rowid alias, not AUTOINCREMENT: ids are never reused while rows exist, and the
    // hot path's batched insert skips the sqlite_sequence bookkeeping.
    id: integer('id').primaryKey(),
    interactionId: text('interaction_id').notNull(),
    guildId: text('guild_id'),
    userId: text('user_id').notNull(),
    /** `/name sub` for commands, the custom_id for components and modals. */
    command: text('command').notNull(),
    options: text('options', { mode: 'json' }),
    /** ok | refused | error | deferred | expired | unknown */
    outcome: text('outcome').notNull(),
    latencyMs: integer('latency_ms').notNull(),
    errorRef: text('error_ref'),
    createdAt: integer('created_at').notNull(),
  },
  // `created`: the analytics rollup reads an hour of every guild's interactions at a time.
  (t) => [index('command_log_guild_created').on(t.guildId, t.createdAt), index('command_log_created').on(t.createdAt)],
);

/** Every configuration change: actor, what, before and after. Written in the change's batch. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('audit_log_guild_created').on(t.guildId, t.createdAt),
    // The dashboard's audit log filtered by actor.
    index('audit_log_guild_actor').on(t.guildId, t.actorId, t.createdAt),
  ],
);

export type CommandLogRow = typeof commandLog.$inferInsert;
export type AuditLogRow = typeof auditLog.$inferSelect;
