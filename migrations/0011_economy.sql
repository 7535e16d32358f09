CREATE TABLE `currencies` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`name` text NOT NULL,
	`emoji` text,
	`kind` text NOT NULL,
	`seasonal` integer DEFAULT false NOT NULL,
	`season` integer DEFAULT 0 NOT NULL,
	`max_balance` integer,
	`allow_negative` integer DEFAULT false NOT NULL,
	`level_curve` text,
	`daily_amount` integer,
	`daily_cooldown_s` integer DEFAULT 86400 NOT NULL,
	`archived` integer DEFAULT false NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "currencies_max_balance" CHECK("currencies"."max_balance" IS NULL OR "currencies"."max_balance" > 0),
	CONSTRAINT "currencies_daily" CHECK("currencies"."daily_amount" IS NULL OR "currencies"."daily_amount" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `currencies_guild_name` ON `currencies` (`guild_id`,`name`);--> statement-breakpoint
CREATE TABLE `economy_seasons` (
	`guild_id` text NOT NULL,
	`number` integer NOT NULL,
	`started_at` integer NOT NULL,
	`started_by` text,
	`ended_at` integer,
	`ended_by` text,
	PRIMARY KEY(`guild_id`, `number`)
);
--> statement-breakpoint
CREATE TABLE `leaderboard_boards` (
	`guild_id` text NOT NULL,
	`currency_id` text NOT NULL,
	`season` integer NOT NULL,
	`dirty_at` integer DEFAULT 0 NOT NULL,
	`built_at` integer DEFAULT 0 NOT NULL,
	`entries` integer DEFAULT 0 NOT NULL,
	`frozen` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`guild_id`, `currency_id`, `season`)
);
--> statement-breakpoint
CREATE INDEX `leaderboard_boards_due` ON `leaderboard_boards` (`frozen`,`built_at`);--> statement-breakpoint
CREATE TABLE `leaderboard_opt_outs` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `leaderboard_ranks` (
	`guild_id` text NOT NULL,
	`currency_id` text NOT NULL,
	`season` integer NOT NULL,
	`user_id` text NOT NULL,
	`balance` integer NOT NULL,
	`rank` integer NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `currency_id`, `season`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `leaderboard_ranks_position` ON `leaderboard_ranks` (`guild_id`,`currency_id`,`season`,`position`);--> statement-breakpoint
CREATE TABLE `ledger_tx` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`currency_id` text NOT NULL,
	`user_id` text NOT NULL,
	`amount` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`actor_id` text,
	`reason` text,
	`source` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`season` integer NOT NULL,
	`period` text,
	`created_at` integer NOT NULL,
	CONSTRAINT "ledger_tx_amount" CHECK("ledger_tx"."amount" <> 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_tx_guild_key` ON `ledger_tx` (`guild_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `ledger_tx_wallet` ON `ledger_tx` (`guild_id`,`currency_id`,`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `ledger_tx_period` ON `ledger_tx` (`guild_id`,`currency_id`,`period`,`user_id`);--> statement-breakpoint
CREATE INDEX `ledger_tx_recent` ON `ledger_tx` (`guild_id`,`currency_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `milestone_awards` (
	`milestone_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`guild_id` text NOT NULL,
	`how` text NOT NULL,
	`awarded_at` integer NOT NULL,
	PRIMARY KEY(`milestone_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `milestone_counters` (
	`guild_id` text NOT NULL,
	`event_type` text NOT NULL,
	`user_id` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`last_source_id` text,
	PRIMARY KEY(`guild_id`, `event_type`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `milestones` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`currency_id` text,
	`event_type` text,
	`threshold` integer NOT NULL,
	`role_id` text,
	`reward_currency_id` text,
	`reward_amount` integer,
	`announce_channel_id` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "milestones_threshold" CHECK("milestones"."threshold" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `milestones_guild_name` ON `milestones` (`guild_id`,`name`);--> statement-breakpoint
CREATE INDEX `milestones_currency` ON `milestones` (`guild_id`,`currency_id`);--> statement-breakpoint
CREATE INDEX `milestones_event` ON `milestones` (`guild_id`,`event_type`);--> statement-breakpoint
CREATE TABLE `season_schedules` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`every_days` integer NOT NULL,
	`next_roll_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `wallets` (
	`guild_id` text NOT NULL,
	`currency_id` text NOT NULL,
	`season` integer NOT NULL,
	`user_id` text NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL,
	`negative_ok` integer DEFAULT false NOT NULL,
	`last_tx_id` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `currency_id`, `season`, `user_id`),
	CONSTRAINT "wallets_no_overdraft" CHECK("wallets"."negative_ok" = 1 OR "wallets"."balance" >= 0),
	CONSTRAINT "wallets_limit" CHECK("wallets"."balance" BETWEEN -1000000000000 AND 1000000000000)
);
--> statement-breakpoint
CREATE INDEX `wallets_board` ON `wallets` (`guild_id`,`currency_id`,`season`,`balance`);