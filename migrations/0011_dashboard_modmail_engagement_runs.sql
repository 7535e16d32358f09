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
CREATE INDEX `wallets_board` ON `wallets` (`guild_id`,`currency_id`,`season`,`balance`);--> statement-breakpoint
CREATE TABLE `member_levels` (
	`guild_id` text NOT NULL,
	`currency_id` text NOT NULL,
	`user_id` text NOT NULL,
	`level` integer DEFAULT 0 NOT NULL,
	`synced_level` integer DEFAULT -1 NOT NULL,
	`pending` integer DEFAULT false NOT NULL,
	`announce` integer DEFAULT true NOT NULL,
	`channel_id` text,
	`opt_out` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `currency_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `member_levels_pending` ON `member_levels` (`pending`,`guild_id`);--> statement-breakpoint
CREATE TABLE `modmail_categories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`emoji` text,
	`questions` text NOT NULL,
	`staff_role_id` text,
	`destination_id` text,
	`position` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`removed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_categories_guild_name` ON `modmail_categories` (`guild_id`,`name`) WHERE "modmail_categories"."removed_at" IS NULL;--> statement-breakpoint
CREATE TABLE `modmail_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`author_id` text NOT NULL,
	`anonymous` integer DEFAULT false NOT NULL,
	`content` text NOT NULL,
	`attachments` text DEFAULT '[]' NOT NULL,
	`source_id` text NOT NULL,
	`dm_message_id` text,
	`thread_message_id` text,
	`action` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_entries_ticket_seq` ON `modmail_entries` (`ticket_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_entries_ticket_source` ON `modmail_entries` (`ticket_id`,`source_id`);--> statement-breakpoint
CREATE TABLE `modmail_subscriptions` (
	`ticket_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`ticket_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `modmail_tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`member_id` text NOT NULL,
	`category_id` integer,
	`state` text DEFAULT 'open' NOT NULL,
	`thread_id` text,
	`parent_id` text,
	`dm_channel_id` text,
	`opened_via` text NOT NULL,
	`opened_by` text NOT NULL,
	`subject` text,
	`claimed_by` text,
	`priority` text DEFAULT 'normal' NOT NULL,
	`opened_at` integer NOT NULL,
	`first_response_at` integer,
	`last_member_message_at` integer,
	`last_staff_message_at` integer,
	`closed_at` integer,
	`closed_by` text,
	`close_reason` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_tickets_open` ON `modmail_tickets` (`guild_id`,`member_id`) WHERE "modmail_tickets"."state" = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_tickets_thread` ON `modmail_tickets` (`thread_id`);--> statement-breakpoint
CREATE INDEX `modmail_tickets_member` ON `modmail_tickets` (`member_id`,`state`);--> statement-breakpoint
CREATE INDEX `modmail_tickets_guild_state` ON `modmail_tickets` (`guild_id`,`state`,`opened_at`);--> statement-breakpoint
CREATE TABLE `overview_days` (
	`guild_id` text NOT NULL,
	`day` integer NOT NULL,
	`joined` integer NOT NULL,
	`left` integer NOT NULL,
	`submitted` integer NOT NULL,
	`decided` integer NOT NULL,
	`cases` integer NOT NULL,
	`commands` integer NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `rule_counters` (
	`guild_id` text NOT NULL,
	`rule_id` text NOT NULL,
	`user_id` text NOT NULL,
	`value` real NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `rule_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `rule_fires` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`rule_id` text NOT NULL,
	`user_id` text NOT NULL,
	`fire_key` text NOT NULL,
	`source_id` text NOT NULL,
	`day` integer NOT NULL,
	`at` integer NOT NULL,
	`amounts` text NOT NULL,
	`rule_version` integer NOT NULL,
	`kind` text DEFAULT 'fire' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rule_fires_guild_key` ON `rule_fires` (`guild_id`,`fire_key`);--> statement-breakpoint
CREATE INDEX `rule_fires_member` ON `rule_fires` (`guild_id`,`rule_id`,`user_id`,`at`);--> statement-breakpoint
CREATE TABLE `rules` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rules_guild_name` ON `rules` (`guild_id`,`name`);--> statement-breakpoint
CREATE TABLE `run_participants` (
	`run_id` text NOT NULL,
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`slot` text NOT NULL,
	`class_name` text,
	`position` integer NOT NULL,
	`joined_at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `run_participants_guild_user` ON `run_participants` (`guild_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`activity` text NOT NULL,
	`organizer_id` text NOT NULL,
	`active_organizer` text,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`channel_id` text NOT NULL,
	`message_id` text,
	`location` text,
	`cap` integer NOT NULL,
	`starts_at` integer,
	`ends_at` integer,
	`event_id` text,
	`created_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runs_active_organizer` ON `runs` (`guild_id`,`active_organizer`);--> statement-breakpoint
CREATE INDEX `runs_guild_starts` ON `runs` (`guild_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `modmail_attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`ticket_id` integer NOT NULL,
	`attachment_id` text NOT NULL,
	`filename` text NOT NULL,
	`content_type` text,
	`size` integer NOT NULL,
	`status` text NOT NULL,
	`r2_key` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_attachments_ticket_attachment` ON `modmail_attachments` (`ticket_id`,`attachment_id`);--> statement-breakpoint
CREATE INDEX `modmail_attachments_guild` ON `modmail_attachments` (`guild_id`);--> statement-breakpoint
CREATE TABLE `modmail_blocks` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`reason` text NOT NULL,
	`blocked_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `modmail_snippets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`name` text NOT NULL,
	`content` text NOT NULL,
	`anonymous` integer DEFAULT false NOT NULL,
	`uses` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`updated_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_snippets_guild_name` ON `modmail_snippets` (`guild_id`,`name`);--> statement-breakpoint
CREATE TABLE `modmail_transcripts` (
	`ticket_id` integer PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`r2_key` text NOT NULL,
	`entries` integer NOT NULL,
	`bytes` integer NOT NULL,
	`log_channel_id` text,
	`log_message_id` text,
	`closed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `modmail_transcripts_guild_user` ON `modmail_transcripts` (`guild_id`,`user_id`,`closed_at`);--> statement-breakpoint
CREATE TABLE `dashboard_grants` (
	`guild_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`level` text NOT NULL,
	`write` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`granted_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `subject_kind`, `subject_id`)
);
--> statement-breakpoint
CREATE TABLE `dashboard_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`username` text NOT NULL,
	`avatar` text,
	`token_enc` text,
	`guilds` text,
	`guilds_at` integer,
	`created_at` integer NOT NULL,
	`seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dashboard_sessions_user` ON `dashboard_sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `dashboard_sessions_expires` ON `dashboard_sessions` (`expires_at`);--> statement-breakpoint
CREATE INDEX `audit_log_guild_actor` ON `audit_log` (`guild_id`,`actor_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `gate_applications_guild_submitted` ON `gate_applications` (`guild_id`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `gate_applications_guild_decided` ON `gate_applications` (`guild_id`,`decided_at`);--> statement-breakpoint
CREATE INDEX `mod_cases_guild_created` ON `mod_cases` (`guild_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `mod_punishments_guild_target` ON `mod_punishments` (`guild_id`,`target_id`);