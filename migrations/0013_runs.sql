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
DROP INDEX `leaderboard_ranks_rank`;--> statement-breakpoint
ALTER TABLE `leaderboard_ranks` ADD `position` integer NOT NULL;--> statement-breakpoint
CREATE INDEX `leaderboard_ranks_position` ON `leaderboard_ranks` (`guild_id`,`currency_id`,`season`,`position`);