CREATE TABLE `mod_case_amendments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` text NOT NULL,
	`guild_id` text NOT NULL,
	`actor_id` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mod_case_amendments_case` ON `mod_case_amendments` (`case_id`,`id`);--> statement-breakpoint
CREATE TABLE `mod_cases` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`case_number` integer NOT NULL,
	`type` text NOT NULL,
	`actor_id` text NOT NULL,
	`target_id` text NOT NULL,
	`reason` text NOT NULL,
	`duration_ms` integer,
	`expires_at` integer,
	`dm_sent` integer,
	`refs` text,
	`log_channel_id` text,
	`log_message_id` text,
	`deleted_at` integer,
	`deleted_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mod_cases_guild_number` ON `mod_cases` (`guild_id`,`case_number`);--> statement-breakpoint
CREATE INDEX `mod_cases_guild_target` ON `mod_cases` (`guild_id`,`target_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `mod_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`target_id` text NOT NULL,
	`actor_id` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	`deleted_at` integer,
	`deleted_by` text
);
--> statement-breakpoint
CREATE INDEX `mod_notes_guild_target` ON `mod_notes` (`guild_id`,`target_id`);--> statement-breakpoint
CREATE TABLE `mod_punishments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`case_id` text NOT NULL,
	`kind` text NOT NULL,
	`target_id` text NOT NULL,
	`ends_at` integer,
	`next_action_at` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`claim_token` text,
	`lease_until` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`role_id` text,
	`restore_roles` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mod_punishments_live` ON `mod_punishments` (`guild_id`,`target_id`,`kind`) WHERE "mod_punishments"."status" in ('pending', 'processing');--> statement-breakpoint
CREATE INDEX `mod_punishments_due` ON `mod_punishments` (`status`,`next_action_at`);--> statement-breakpoint
CREATE INDEX `mod_punishments_case` ON `mod_punishments` (`case_id`);