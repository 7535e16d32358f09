/**
 * Economy: admin-defined currencies, wallets, the append-only ledger, seasons, leaderboard
 * snapshots and milestones.
 *
 * A wallet is one row per (guild, currency, season, member): a seasonal currency's wallets
 * carry the currency's current season number, a non-seasonal one's season 0. Rolling a season
 * only bumps the currency's `season`; the old rows stay as that season's totals (no wipes).
 * Every balance change is a `ledger_tx` row whose `(guild_id, idempotency_key)` is unique.
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Largest absolute balance any wallet may hold (well inside 2^53). */
export const BALANCE_LIMIT = 1_000_000_000_000;

/** A currency of one guild. */
export const currencies = sqliteTable(
  'currencies',
  {
    id: text('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    /** Lower case, unique per guild. */
    name: text('name').notNull(),
    emoji: text('emoji'),
    /** 'xp': earned only (never given or spent by members); 'spendable': `/give`, `/daily`. */
    kind: text('kind', { enum: ['xp', 'spendable'] }).notNull(),
    seasonal: integer('seasonal', { mode: 'boolean' }).notNull().default(false),
    /** The season new changes land in: the guild's current season when seasonal, else 0. */
    season: integer('season').notNull().default(0),
    maxBalance: integer('max_balance'),
    allowNegative: integer('allow_negative', { mode: 'boolean' }).notNull().default(false),
    /** Level curve JSON (read by the levels feature), or null. */
    levelCurve: text('level_curve'),
    /** `/daily`: how much, and the window length in seconds (null amount: no daily). */
    dailyAmount: integer('daily_amount'),
    dailyCooldownS: integer('daily_cooldown_s').notNull().default(86_400),
    archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('currencies_guild_name').on(t.guildId, t.name),
    check('currencies_max_balance', sql`${t.maxBalance} IS NULL OR ${t.maxBalance} > 0`),
    check('currencies_daily', sql`${t.dailyAmount} IS NULL OR ${t.dailyAmount} > 0`),
  ],
);

/** A member's balance of one currency in one season. */
export const wallets = sqliteTable(
  'wallets',
  {
    guildId: text('guild_id').notNull(),
    currencyId: text('currency_id').notNull(),
    season: integer('season').notNull(),
    userId: text('user_id').notNull(),
    balance: integer('balance').notNull().default(0),
    /** Copied from the currency (and kept in step by `/currency edit`) so the CHECK can see it. */
    negativeOk: integer('negative_ok', { mode: 'boolean' }).notNull().default(false),
    /** The tx id of the last change: links the guarded update to its ledger row in one batch. */
    lastTxId: text('last_tx_id'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.currencyId, t.season, t.userId] }),
    index('wallets_board').on(t.guildId, t.currencyId, t.season, t.balance),
    check('wallets_no_overdraft', sql`${t.negativeOk} = 1 OR ${t.balance} >= 0`),
    check('wallets_limit', sql`${t.balance} BETWEEN -${sql.raw(String(BALANCE_LIMIT))} AND ${sql.raw(String(BALANCE_LIMIT))}`),
  ],
);

/** The append-only ledger: one row per balance change, never updated or deleted. */
export const ledgerTx = sqliteTable(
  'ledger_tx',
  {
    id: text('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    currencyId: text('currency_id').notNull(),
    userId: text('user_id').notNull(),
    /** Signed: positive for a credit, negative for a debit. */
    amount: integer('amount').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    actorId: text('actor_id'),
    reason: text('reason'),
    source: text('source').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    season: integer('season').notNull(),
    period: text('period'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('ledger_tx_guild_key').on(t.guildId, t.idempotencyKey),
    index('ledger_tx_wallet').on(t.guildId, t.currencyId, t.userId, t.createdAt),
    index('ledger_tx_period').on(t.guildId, t.currencyId, t.period, t.userId),
    index('ledger_tx_recent').on(t.guildId, t.currencyId, t.createdAt),
    check('ledger_tx_amount', sql`${t.amount} <> 0`),
  ],
);

/** A guild's seasons (for its seasonal currencies); the open one has no `ended_at`. */
export const economySeasons = sqliteTable(
  'economy_seasons',
  {
    guildId: text('guild_id').notNull(),
    number: integer('number').notNull(),
    startedAt: integer('started_at').notNull(),
    startedBy: text('started_by'),
    endedAt: integer('ended_at'),
    endedBy: text('ended_by'),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.number] })],
);

/** Season schedule per guild: roll automatically every `every_days` days. */
export const seasonSchedules = sqliteTable('season_schedules', {
  guildId: text('guild_id').primaryKey(),
  everyDays: integer('every_days').notNull(),
  nextRollAt: integer('next_roll_at').notNull(),
});

/**
 * The rank snapshot of one board (currency + season; season -1 is a seasonal currency's
 * all-time board). Rebuilt by the cron at most once a minute, so a request reads ~11 rows.
 */
export const leaderboardRanks = sqliteTable(
  'leaderboard_ranks',
  {
    guildId: text('guild_id').notNull(),
    currencyId: text('currency_id').notNull(),
    season: integer('season').notNull(),
    userId: text('user_id').notNull(),
    balance: integer('balance').notNull(),
    /** 1 + the number of members with more (ties share a rank). */
    rank: integer('rank').notNull(),
    /** 1, 2, 3… in board order (ties by user id): pages read `position BETWEEN a AND b`. */
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.currencyId, t.season, t.userId] }),
    index('leaderboard_ranks_position').on(t.guildId, t.currencyId, t.season, t.position),
  ],
);

/** When each board's snapshot was built; a frozen board (a rolled season) is never rebuilt. */
export const leaderboardBoards = sqliteTable(
  'leaderboard_boards',
  {
    guildId: text('guild_id').notNull(),
    currencyId: text('currency_id').notNull(),
    season: integer('season').notNull(),
    /** When a change last touched this board (0: never built). */
    dirtyAt: integer('dirty_at').notNull().default(0),
    builtAt: integer('built_at').notNull().default(0),
    entries: integer('entries').notNull().default(0),
    frozen: integer('frozen', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.currencyId, t.season] }), index('leaderboard_boards_due').on(t.frozen, t.builtAt)],
);

/** Members who asked to be left off leaderboards. */
export const leaderboardOptOuts = sqliteTable(
  'leaderboard_opt_outs',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);

/** A milestone: a threshold on a wallet, or on a count of one kind of event. */
export const milestones = sqliteTable(
  'milestones',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    name: text('name').notNull(),
    /** 'wallet': `currency_id`'s balance reaches `threshold`; 'events': `event_type` counted. */
    kind: text('kind', { enum: ['wallet', 'events'] }).notNull(),
    currencyId: text('currency_id'),
    eventType: text('event_type'),
    threshold: integer('threshold').notNull(),
    roleId: text('role_id'),
    rewardCurrencyId: text('reward_currency_id'),
    rewardAmount: integer('reward_amount'),
    announceChannelId: text('announce_channel_id'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('milestones_guild_name').on(t.guildId, t.name),
    index('milestones_currency').on(t.guildId, t.currencyId),
    index('milestones_event').on(t.guildId, t.eventType),
    check('milestones_threshold', sql`${t.threshold} > 0`),
  ],
);

/** Who reached which milestone: the primary key makes it fire once per member. */
export const milestoneAwards = sqliteTable(
  'milestone_awards',
  {
    milestoneId: integer('milestone_id').notNull(),
    userId: text('user_id').notNull(),
    guildId: text('guild_id').notNull(),
    /** 'reached' or 'granted' (by staff). */
    how: text('how').notNull(),
    awardedAt: integer('awarded_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.milestoneId, t.userId] })],
);

/** Per-member event counters of 'events' milestones; `counted` dedupes re-delivered events. */
export const milestoneCounters = sqliteTable(
  'milestone_counters',
  {
    guildId: text('guild_id').notNull(),
    eventType: text('event_type').notNull(),
    userId: text('user_id').notNull(),
    count: integer('count').notNull().default(0),
    lastSourceId: text('last_source_id'),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.eventType, t.userId] })],
);

/** A currency row. */
export type Currency = typeof currencies.$inferSelect;
/** A wallet row. */
export type WalletRow = typeof wallets.$inferSelect;
/** A ledger row. */
export type LedgerTxRow = typeof ledgerTx.$inferSelect;
/** A milestone row. */
export type MilestoneRow = typeof milestones.$inferSelect;
