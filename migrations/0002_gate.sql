CREATE TABLE `gate_applications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`user_tag` text NOT NULL,
	`status` text NOT NULL,
	`answers` text NOT NULL,
	`account_created_at` integer NOT NULL,
	`joined_at` integer,
	`young_account` integer NOT NULL,
	`submitted_at` integer NOT NULL,
	`claimed_by` text,
	`claimed_rank` integer,
	`claimed_at` integer,
	`decided_by` text,
	`decided_at` integer,
	`override` integer DEFAULT false NOT NULL,
	`reason` text,
	`dm_error` text,
	`last_error` text,
	`avatar_risk` text,
	`card_channel_id` text,
	`card_message_id` text,
	`alerts_sent` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gate_applications_one_open` ON `gate_applications` (`guild_id`,`user_id`) WHERE status IN ('pending', 'claimed');--> statement-breakpoint
CREATE INDEX `gate_applications_guild_user` ON `gate_applications` (`guild_id`,`user_id`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `gate_applications_guild_status` ON `gate_applications` (`guild_id`,`status`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `gate_applications_stale` ON `gate_applications` (`status`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `gate_applications_claimed` ON `gate_applications` (`claimed_at`);--> statement-breakpoint
CREATE INDEX `gate_applications_decided` ON `gate_applications` (`decided_at`);--> statement-breakpoint
CREATE TABLE `gate_blocks` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`application_id` integer,
	`reason` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `gate_drafts` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`form_version` text NOT NULL,
	`answers` text NOT NULL,
	`pages_done` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `gate_join_events` (
	`guild_id` text NOT NULL,
	`source_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `source_id`)
);
--> statement-breakpoint
CREATE TABLE `gate_questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`position` integer NOT NULL,
	`label` text NOT NULL,
	`style` text NOT NULL,
	`required` integer NOT NULL,
	`min_length` integer,
	`max_length` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gate_questions_guild_position` ON `gate_questions` (`guild_id`,`position`);--> statement-breakpoint
CREATE TABLE `gate_reviewer_stats` (
	`guild_id` text NOT NULL,
	`reviewer_id` text NOT NULL,
	`window_days` integer NOT NULL,
	`claims` integer NOT NULL,
	`accepted` integer NOT NULL,
	`rejected` integer NOT NULL,
	`kicked` integer NOT NULL,
	`blocked` integer NOT NULL,
	`overrides` integer NOT NULL,
	`claim_median_ms` integer,
	`claim_p95_ms` integer,
	`decide_median_ms` integer,
	`decide_p95_ms` integer,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `window_days`, `reviewer_id`)
);
