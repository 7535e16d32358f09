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
CREATE INDEX `audit_log_guild_actor` ON `audit_log` (`guild_id`,`actor_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `gate_applications_guild_submitted` ON `gate_applications` (`guild_id`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `gate_applications_guild_decided` ON `gate_applications` (`guild_id`,`decided_at`);--> statement-breakpoint
CREATE INDEX `mod_cases_guild_created` ON `mod_cases` (`guild_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `mod_punishments_guild_target` ON `mod_punishments` (`guild_id`,`target_id`);