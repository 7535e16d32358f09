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
CREATE UNIQUE INDEX `rules_guild_name` ON `rules` (`guild_id`,`name`);