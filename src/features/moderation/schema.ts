/**
 * Moderation tables: cases (global id + per-guild number), their reason history, staff notes
 * and the punishments the expiry cron ends or renews. Times are ms since epoch.
 */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Every case type a moderation action records. */
export const CASE_TYPES = [
  'warn',
  'timeout',
  'untimeout',
  'mute',
  'unmute',
  'suspend',
  'unsuspend',
  'kick',
  'ban',
  'softban',
  'unban',
] as const;

/** A case type. */
export type CaseType = (typeof CASE_TYPES)[number];

/**
 * A case that acts on Discord is written `pending` (with the `action` it is about to make)
 * before the call, and settled after it: `done` (the action happened) or `failed` (Discord
 * refused it, or the reconcile cron could not confirm or repeat it). A failed case keeps its
 * number, so numbers stay gap-free and unique, and every number is one attempt on record.
 */
export const CASE_STATES = ['pending', 'done', 'failed'] as const;

/** A case state. */
export type CaseState = (typeof CASE_STATES)[number];

/**
 * One moderation action. `case_number` is allocated per guild in the insert itself and
 * settled by the unique index; deletion is soft.
 */
export const modCases = sqliteTable(
  'mod_cases',
  {
    id: text('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    caseNumber: integer('case_number').notNull(),
    type: text('type', { enum: CASE_TYPES }).notNull(),
    actorId: text('actor_id').notNull(),
    targetId: text('target_id').notNull(),
    reason: text('reason').notNull(),
    durationMs: integer('duration_ms'),
    expiresAt: integer('expires_at'),
    /** true: the DM reached the member; false: it failed; null: no DM was attempted. */
    dmSent: integer('dm_sent', { mode: 'boolean' }),
    /** Case numbers this case refers to (the warnings behind an automatic threshold action). */
    refs: text('refs', { mode: 'json' }).$type<number[]>(),
    logChannelId: text('log_channel_id'),
    logMessageId: text('log_message_id'),
    deletedAt: integer('deleted_at'),
    deletedBy: text('deleted_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    // Added by the intent migration, so they come last (an INSERT … SELECT relies on the order).
    state: text('state', { enum: CASE_STATES }).notNull().default('done'),
    /** The Discord action a pending case is about to make (`ModAction`, parsed with zod when read back). */
    action: text('action', { mode: 'json' }).$type<unknown>(),
    /** Reconcile attempts on a pending case; the claim token and lease of the run holding it. */
    attempts: integer('attempts').notNull().default(0),
    claimToken: text('claim_token'),
    leaseUntil: integer('lease_until'),
    /** Why a case failed (or the reconcile's last error while it is still pending). */
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('mod_cases_guild_number').on(t.guildId, t.caseNumber),
    index('mod_cases_guild_target').on(t.guildId, t.targetId, t.createdAt),
    // The dashboard overview's cases opened per day.
    index('mod_cases_guild_created').on(t.guildId, t.createdAt),
    index('mod_cases_pending').on(t.state, t.createdAt).where(sql`${t.state} = 'pending'`),
  ],
);

/** The reason history of a case: `/case reason` appends here instead of erasing. */
export const modCaseAmendments = sqliteTable(
  'mod_case_amendments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseId: text('case_id').notNull(),
    guildId: text('guild_id').notNull(),
    actorId: text('actor_id').notNull(),
    text: text('text').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('mod_case_amendments_case').on(t.caseId, t.id)],
);

/** Private staff notes about a member (not cases: they never reach the member or the mod log). */
export const modNotes = sqliteTable(
  'mod_notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    targetId: text('target_id').notNull(),
    actorId: text('actor_id').notNull(),
    text: text('text').notNull(),
    createdAt: integer('created_at').notNull(),
    deletedAt: integer('deleted_at'),
    deletedBy: text('deleted_by'),
  },
  (t) => [index('mod_notes_guild_target').on(t.guildId, t.targetId)],
);

/** Punishments that end (or renew) later. */
export const PUNISHMENT_KINDS = ['ban', 'mute', 'suspend', 'timeout'] as const;

/** A punishment kind. */
export type PunishmentKind = (typeof PUNISHMENT_KINDS)[number];

/**
 * `held` (written with its pending case, before the Discord call; not live, the expiry cron
 * ignores it) → `pending` once the case is confirmed (waiting; due when `next_action_at <= now`)
 * → `processing` (claimed by one cron run under `claim_token` until `lease_until`) → `done`;
 * or `cancelled` by a later manual action or a failed case. A failed attempt returns to
 * `pending` with a backed-off `next_action_at` and `last_error`.
 */
export const PUNISHMENT_STATUSES = ['held', 'pending', 'processing', 'done', 'cancelled'] as const;

/** A punishment status. */
export type PunishmentStatus = (typeof PUNISHMENT_STATUSES)[number];

/** An active (or finished) timed punishment. At most one live row per guild, member and kind. */
export const modPunishments = sqliteTable(
  'mod_punishments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    caseId: text('case_id').notNull(),
    kind: text('kind', { enum: PUNISHMENT_KINDS }).notNull(),
    targetId: text('target_id').notNull(),
    /** When the punishment really ends; null = until lifted by hand (mute/suspend state only). */
    endsAt: integer('ends_at'),
    /** When the cron must act next (end it, or renew a long timeout); null = never. */
    nextActionAt: integer('next_action_at'),
    status: text('status', { enum: PUNISHMENT_STATUSES }).notNull().default('pending'),
    claimToken: text('claim_token'),
    leaseUntil: integer('lease_until'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** The muted or suspended role. */
    roleId: text('role_id'),
    /** Roles a suspension removed, restored when it ends. */
    restoreRoles: text('restore_roles', { mode: 'json' }).$type<string[]>(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('mod_punishments_live')
      .on(t.guildId, t.targetId, t.kind)
      .where(sql`${t.status} in ('pending', 'processing')`),
    // One suspension per member, counted from its intent (`held`): a concurrent second
    // /suspend is refused before it touches Discord, so the first one's saved roles survive.
    uniqueIndex('mod_punishments_one_suspension')
      .on(t.guildId, t.targetId)
      .where(sql`${t.kind} = 'suspend' and ${t.status} in ('held', 'pending', 'processing')`),
    index('mod_punishments_due').on(t.status, t.nextActionAt),
    index('mod_punishments_case').on(t.caseId),
    // The dashboard's member history.
    index('mod_punishments_guild_target').on(t.guildId, t.targetId),
  ],
);

/** A case row. */
export type CaseRow = typeof modCases.$inferSelect;
/** A note row. */
export type NoteRow = typeof modNotes.$inferSelect;
/** A punishment row. */
export type PunishmentRow = typeof modPunishments.$inferSelect;
