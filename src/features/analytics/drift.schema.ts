/**
 * Role drift tables: the roles that carry dangerous permissions and who holds them, twice
 * (`scope` `baseline`: what managers accepted; `current`: what the gateway and the nightly
 * reconciliation last saw), every change between them as it happened (`analytics_drift_changes`,
 * keyed so a redelivered event or a second source of the same change adds nothing), and the
 * audit log entries that say who made a change.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** A guild the drift watch knows, with its baseline and its reconciliation progress. */
export const driftGuilds = sqliteTable('analytics_drift_guilds', {
  guildId: text('guild_id').primaryKey(),
  /** When the baseline was set (null: the first reconciliation has not finished). */
  baselineAt: integer('baseline_at'),
  /** Who set it (`system` for the first reconciliation). */
  baselineBy: text('baseline_by'),
  /** A reconciliation in progress started then (null: none). */
  runStartedAt: integer('run_started_at'),
  /** The in-progress run's member cursor (`after`); null while the roles are still to read. */
  runCursor: text('run_cursor'),
  /** When the last reconciliation finished (0: never). */
  lastRunAt: integer('last_run_at').notNull().default(0),
});

/** A role with at least one dangerous permission, in the baseline or the current state. */
export const driftRoles = sqliteTable(
  'analytics_drift_roles',
  {
    guildId: text('guild_id').notNull(),
    scope: text('scope', { enum: ['baseline', 'current'] }).notNull(),
    roleId: text('role_id').notNull(),
    name: text('name').notNull(),
    /** The role's whole permission bitfield, decimal (read as BigInt). */
    permissions: text('permissions').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.scope, t.roleId] })],
);

/** A member holding a dangerous role, in the baseline or the current state. */
export const driftHolders = sqliteTable(
  'analytics_drift_holders',
  {
    guildId: text('guild_id').notNull(),
    scope: text('scope', { enum: ['baseline', 'current'] }).notNull(),
    roleId: text('role_id').notNull(),
    userId: text('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.scope, t.roleId, t.userId] }), index('analytics_drift_holders_user').on(t.guildId, t.scope, t.userId)],
);

/** Kinds of change. */
export const DRIFT_KINDS = ['role.dangerous', 'role.permissions', 'role.safe', 'role.deleted', 'holder.added', 'holder.removed', 'baseline.accepted'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** One change to the dangerous roles or their holders, as detected (the drift timeline). */
export const driftChanges = sqliteTable(
  'analytics_drift_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    /** Dedup key: the change and the event (or run) that saw it. */
    key: text('key').notNull(),
    kind: text('kind').$type<DriftKind>().notNull(),
    roleId: text('role_id').notNull(),
    roleName: text('role_name').notNull(),
    /** The member, for holder changes. */
    userId: text('user_id'),
    /** Permission bitfields before and after (decimal), for role changes. */
    before: text('before'),
    after: text('after'),
    /** Who made it, from the audit log (null: not known, or not yet). */
    actorId: text('actor_id'),
    source: text('source', { enum: ['gateway', 'reconcile', 'dashboard', 'command'] }).notNull(),
    occurredAt: integer('occurred_at').notNull(),
    alertChannelId: text('alert_channel_id'),
    alertMessageId: text('alert_message_id'),
    /** When it was posted to the mod log (or found to have nowhere to go); null: still owed. */
    alertedAt: integer('alerted_at'),
  },
  (t) => [
    uniqueIndex('analytics_drift_changes_key').on(t.guildId, t.key),
    index('analytics_drift_changes_time').on(t.guildId, t.occurredAt),
    index('analytics_drift_changes_owed').on(t.guildId, t.id).where(sql`alerted_at IS NULL`),
  ],
);

export type DriftChangeRow = typeof driftChanges.$inferSelect;

/** Audit log entries about roles (`GUILD_AUDIT_LOG_ENTRY_CREATE`): who changed what. */
export const driftAudit = sqliteTable(
  'analytics_drift_audit',
  {
    entryId: text('entry_id').primaryKey(),
    guildId: text('guild_id').notNull(),
    actionType: integer('action_type').notNull(),
    /** The member (role updates of a member) or the role (role create, update, delete). */
    targetId: text('target_id').notNull(),
    actorId: text('actor_id').notNull(),
    /** For member role updates: the roles added or removed. */
    roleIds: text('role_ids', { mode: 'json' }).$type<string[]>(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('analytics_drift_audit_target').on(t.guildId, t.targetId, t.createdAt)],
);
