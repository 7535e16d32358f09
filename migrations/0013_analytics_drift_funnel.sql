CREATE TABLE `analytics_drift_audit` (
	`entry_id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`action_type` integer NOT NULL,
	`target_id` text NOT NULL,
	`actor_id` text NOT NULL,
	`role_ids` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `analytics_drift_audit_target` ON `analytics_drift_audit` (`guild_id`,`target_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `analytics_drift_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`role_id` text NOT NULL,
	`role_name` text NOT NULL,
	`user_id` text,
	`before` text,
	`after` text,
	`actor_id` text,
	`source` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`alert_channel_id` text,
	`alert_message_id` text,
	`alerted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `analytics_drift_changes_key` ON `analytics_drift_changes` (`guild_id`,`key`);--> statement-breakpoint
CREATE INDEX `analytics_drift_changes_time` ON `analytics_drift_changes` (`guild_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `analytics_drift_changes_owed` ON `analytics_drift_changes` (`guild_id`,`id`) WHERE alerted_at IS NULL;--> statement-breakpoint
CREATE TABLE `analytics_drift_guilds` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`baseline_at` integer,
	`baseline_by` text,
	`run_started_at` integer,
	`run_cursor` text,
	`last_run_at` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `analytics_drift_holders` (
	`guild_id` text NOT NULL,
	`scope` text NOT NULL,
	`role_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`guild_id`, `scope`, `role_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_drift_holders_user` ON `analytics_drift_holders` (`guild_id`,`scope`,`user_id`);--> statement-breakpoint
CREATE TABLE `analytics_drift_roles` (
	`guild_id` text NOT NULL,
	`scope` text NOT NULL,
	`role_id` text NOT NULL,
	`name` text NOT NULL,
	`permissions` text NOT NULL,
	PRIMARY KEY(`guild_id`, `scope`, `role_id`)
);
--> statement-breakpoint
CREATE TABLE `analytics_funnel_members` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`joined_at` integer NOT NULL,
	`first_message_at` integer,
	`max_level` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_funnel_joined` ON `analytics_funnel_members` (`guild_id`,`joined_at`);