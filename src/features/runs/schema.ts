/**
 * Runs: one row per run (started, headcount or scheduled), and the participants recorded when
 * it ends. The live roster is not here: it lives in the run's Durable Object (`run.object.ts`),
 * which serializes joins; D1 holds what outlives the run and what other guild-wide questions
 * need (the calendar feed, "one active run per organizer", participation history).
 *
 * `active_organizer` is the organizer's id while a `/run start` or `/headcount` run is open and
 * null otherwise; its unique index (per guild) is what refuses a second active run, race-free.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** What a run is. */
export const RUN_KINDS = ['run', 'headcount', 'scheduled'] as const;

/** A run's life: scheduled → open → ended | cancelled. */
export const RUN_STATUSES = ['scheduled', 'open', 'ended', 'cancelled'] as const;

/** A run status. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One run. `id` is also the name of its Durable Object. */
export const runs = sqliteTable(
  'runs',
  {
    id: text('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    activity: text('activity').notNull(),
    organizerId: text('organizer_id').notNull(),
    activeOrganizer: text('active_organizer'),
    kind: text('kind', { enum: RUN_KINDS }).notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    channelId: text('channel_id').notNull(),
    messageId: text('message_id'),
    location: text('location'),
    cap: integer('cap').notNull(),
    /** Scheduled runs: when it starts (ms). */
    startsAt: integer('starts_at'),
    /** When the alarm ends it (ms), once it is open. */
    endsAt: integer('ends_at'),
    /** The Discord guild scheduled event of a scheduled run. */
    eventId: text('event_id'),
    createdAt: integer('created_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [
    uniqueIndex('runs_active_organizer').on(t.guildId, t.activeOrganizer),
    index('runs_guild_starts').on(t.guildId, t.startsAt),
  ],
);

/** Where a participant stood when the run ended. */
export const PARTICIPANT_SLOTS = ['main', 'bench', 'wait'] as const;

/** Participants of an ended run, written once (insert-or-ignore) with the run's end. */
export const runParticipants = sqliteTable(
  'run_participants',
  {
    runId: text('run_id').notNull(),
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    slot: text('slot', { enum: PARTICIPANT_SLOTS }).notNull(),
    className: text('class_name'),
    position: integer('position').notNull(),
    joinedAt: integer('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.userId] }), index('run_participants_guild_user').on(t.guildId, t.userId)],
);

/** A run row. */
export type RunRow = typeof runs.$inferSelect;
