/**
 * Gate tables: the application form's questions, drafts of unfinished forms, applications
 * (with their review state), permanent blocks, processed join events, and the reviewer
 * metrics rollup that `/modstats` reads.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One question of a guild's application form, shown in `position` order. */
export const gateQuestions = sqliteTable(
  'gate_questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    position: integer('position').notNull(),
    label: text('label').notNull(),
    /** `short` or `paragraph` (Discord text input styles 1 and 2). */
    style: text('style').notNull(),
    required: integer('required', { mode: 'boolean' }).notNull(),
    minLength: integer('min_length'),
    maxLength: integer('max_length'),
  },
  (t) => [uniqueIndex('gate_questions_guild_position').on(t.guildId, t.position)],
);

/** Answers of the finished pages of a form the applicant has not submitted yet. */
export const gateDrafts = sqliteTable(
  'gate_drafts',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    /** Identifies the question set the answers belong to; a changed form discards the draft. */
    formVersion: text('form_version').notNull(),
    /** Question id (as text) → answer. */
    answers: text('answers', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    pagesDone: integer('pages_done').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);

/** An answered question as stored on an application (a snapshot: later form edits don't change it). */
export interface StoredAnswer {
  question: string;
  answer: string;
}

/** The avatar-scan verdict shown on a review card. */
export interface AvatarRisk {
  score: number;
  label: string;
  highlight: boolean;
  detail?: string;
}

/** Statuses an application moves through. `pending`/`claimed` are open; the rest are decisions. */
export const APPLICATION_STATUSES = ['pending', 'claimed', 'accepted', 'rejected', 'kicked', 'blocked'] as const;

/** An application's status. */
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** One submitted application and its review. */
export const gateApplications = sqliteTable(
  'gate_applications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    /** Username at submission, so history reads well after the user left. */
    userTag: text('user_tag').notNull(),
    status: text('status').$type<ApplicationStatus>().notNull(),
    answers: text('answers', { mode: 'json' }).$type<StoredAnswer[]>().notNull(),
    accountCreatedAt: integer('account_created_at').notNull(),
    joinedAt: integer('joined_at'),
    youngAccount: integer('young_account', { mode: 'boolean' }).notNull(),
    submittedAt: integer('submitted_at').notNull(),
    claimedBy: text('claimed_by'),
    /** Rank (`levelRank`) of the claimant's staff level when they claimed. */
    claimedRank: integer('claimed_rank'),
    claimedAt: integer('claimed_at'),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    /** True when the decider overrode another reviewer's claim by outranking them. */
    override: integer('override', { mode: 'boolean' }).notNull().default(false),
    reason: text('reason'),
    /** Why the applicant's DM failed, when it did. */
    dmError: text('dm_error'),
    /** The last failed side effect (role grant, kick), shown on the card with a retry. */
    lastError: text('last_error'),
    avatarRisk: text('avatar_risk', { mode: 'json' }).$type<AvatarRisk>(),
    cardChannelId: text('card_channel_id'),
    cardMessageId: text('card_message_id'),
    /** Stale alerts sent while unclaimed: 0, 1 (24 h), 2 (48 h), 3 (72 h, escalated). */
    alertsSent: integer('alerts_sent').notNull().default(0),
    /** A stale-alert run holds the application until then (ms) while its alert is posted; 0 when free. */
    alertLeaseUntil: integer('alert_lease_until').notNull().default(0),
  },
  (t) => [
    // At most one open application per user and guild: settles double submits.
    uniqueIndex('gate_applications_one_open')
      .on(t.guildId, t.userId)
      .where(sql`status IN ('pending', 'claimed')`),
    index('gate_applications_guild_user').on(t.guildId, t.userId, t.submittedAt),
    index('gate_applications_guild_status').on(t.guildId, t.status, t.submittedAt),
    index('gate_applications_stale').on(t.status, t.submittedAt),
    index('gate_applications_claimed').on(t.claimedAt),
    index('gate_applications_decided').on(t.decidedAt),
    // The dashboard: decided ones newest first, and the overview's per-day counts.
    index('gate_applications_guild_submitted').on(t.guildId, t.submittedAt),
    index('gate_applications_guild_decided').on(t.guildId, t.decidedAt),
  ],
);

/**
 * The review-card outbox: one row per application, written in the same batch as the
 * application. `pending` until the card is in the review channel (`posted`, with its message
 * id). A poster claims the row under `claim_token` until `lease_until`; a failed post returns
 * it to `pending` with a backed-off `next_attempt_at` and `last_error`.
 */
export const gateCardOutbox = sqliteTable(
  'gate_card_outbox',
  {
    applicationId: integer('application_id').primaryKey(),
    guildId: text('guild_id').notNull(),
    status: text('status', { enum: ['pending', 'posted'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    claimToken: text('claim_token'),
    leaseUntil: integer('lease_until'),
    lastError: text('last_error'),
    messageId: text('message_id'),
    createdAt: integer('created_at').notNull(),
    postedAt: integer('posted_at'),
  },
  (t) => [index('gate_card_outbox_due').on(t.status, t.nextAttemptAt).where(sql`${t.status} = 'pending'`)],
);

/** Users who may not apply again until `/gate unblock`. */
export const gateBlocks = sqliteTable(
  'gate_blocks',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    applicationId: integer('application_id'),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);

/** Join events already handled (the queue may redeliver; effects happen once per source id). */
export const gateJoinEvents = sqliteTable(
  'gate_join_events',
  {
    guildId: text('guild_id').notNull(),
    sourceId: text('source_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.sourceId] })],
);

/**
 * Reviewer metrics per guild, reviewer and window (last 7/30/90 days), recomputed hourly by
 * one set-based statement. Times are milliseconds; percentiles are nearest-rank.
 */
export const gateReviewerStats = sqliteTable(
  'gate_reviewer_stats',
  {
    guildId: text('guild_id').notNull(),
    reviewerId: text('reviewer_id').notNull(),
    windowDays: integer('window_days').notNull(),
    claims: integer('claims').notNull(),
    accepted: integer('accepted').notNull(),
    rejected: integer('rejected').notNull(),
    kicked: integer('kicked').notNull(),
    blocked: integer('blocked').notNull(),
    overrides: integer('overrides').notNull(),
    claimMedianMs: integer('claim_median_ms'),
    claimP95Ms: integer('claim_p95_ms'),
    decideMedianMs: integer('decide_median_ms'),
    decideP95Ms: integer('decide_p95_ms'),
    computedAt: integer('computed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.windowDays, t.reviewerId] })],
);

export type GateQuestionRow = typeof gateQuestions.$inferSelect;
export type GateApplicationRow = typeof gateApplications.$inferSelect;
export type GateReviewerStatsRow = typeof gateReviewerStats.$inferSelect;
export type GateCardOutboxRow = typeof gateCardOutbox.$inferSelect;
