CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`actor_id` text NOT NULL,
	`action` text NOT NULL,
	`before` text,
	`after` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_guild_created` ON `audit_log` (`guild_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `command_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`interaction_id` text NOT NULL,
	`guild_id` text,
	`user_id` text NOT NULL,
	`command` text NOT NULL,
	`options` text,
	`outcome` text NOT NULL,
	`latency_ms` integer NOT NULL,
	`error_ref` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `command_log_guild_created` ON `command_log` (`guild_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `cooldowns` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`until` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `user_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `guild_channels` (
	`guild_id` text NOT NULL,
	`purpose` text NOT NULL,
	`channel_id` text NOT NULL,
	PRIMARY KEY(`guild_id`, `purpose`)
);
--> statement-breakpoint
CREATE TABLE `guild_settings` (
	`guild_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `module_flags` (
	`guild_id` text NOT NULL,
	`module` text NOT NULL,
	`enabled` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `module`)
);
--> statement-breakpoint
CREATE TABLE `staff_roles` (
	`guild_id` text NOT NULL,
	`role_id` text NOT NULL,
	`level` text NOT NULL,
	PRIMARY KEY(`guild_id`, `role_id`)
);
