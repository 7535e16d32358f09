PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_command_log` (
	`id` integer PRIMARY KEY NOT NULL,
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
INSERT INTO `__new_command_log`("id", "interaction_id", "guild_id", "user_id", "command", "options", "outcome", "latency_ms", "error_ref", "created_at") SELECT "id", "interaction_id", "guild_id", "user_id", "command", "options", "outcome", "latency_ms", "error_ref", "created_at" FROM `command_log`;--> statement-breakpoint
DROP TABLE `command_log`;--> statement-breakpoint
ALTER TABLE `__new_command_log` RENAME TO `command_log`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `command_log_guild_created` ON `command_log` (`guild_id`,`created_at`);