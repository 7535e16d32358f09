CREATE TABLE `analytics_channel_days` (
	`guild_id` text NOT NULL,
	`day` integer NOT NULL,
	`channel_id` text NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`members` integer DEFAULT 0 NOT NULL,
	`reactions` integer DEFAULT 0 NOT NULL,
	`voice_minutes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`guild_id`, `day`, `channel_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_channel_days_day` ON `analytics_channel_days` (`day`);--> statement-breakpoint
CREATE TABLE `analytics_channel_hours` (
	`guild_id` text NOT NULL,
	`hour` integer NOT NULL,
	`channel_id` text NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`members` integer DEFAULT 0 NOT NULL,
	`reactions` integer DEFAULT 0 NOT NULL,
	`voice_minutes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`guild_id`, `hour`, `channel_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_channel_hours_hour` ON `analytics_channel_hours` (`hour`);--> statement-breakpoint
CREATE TABLE `analytics_guild_days` (
	`guild_id` text NOT NULL,
	`day` integer NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`members` integer DEFAULT 0 NOT NULL,
	`reactions` integer DEFAULT 0 NOT NULL,
	`voice_minutes` integer DEFAULT 0 NOT NULL,
	`joins` integer DEFAULT 0 NOT NULL,
	`leaves` integer DEFAULT 0 NOT NULL,
	`commands` integer DEFAULT 0 NOT NULL,
	`hourly` text NOT NULL,
	PRIMARY KEY(`guild_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `analytics_guild_days_day` ON `analytics_guild_days` (`day`);--> statement-breakpoint
CREATE TABLE `analytics_guild_hours` (
	`guild_id` text NOT NULL,
	`hour` integer NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`members` integer DEFAULT 0 NOT NULL,
	`reactions` integer DEFAULT 0 NOT NULL,
	`voice_minutes` integer DEFAULT 0 NOT NULL,
	`joins` integer DEFAULT 0 NOT NULL,
	`leaves` integer DEFAULT 0 NOT NULL,
	`commands` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`guild_id`, `hour`)
);
--> statement-breakpoint
CREATE INDEX `analytics_guild_hours_hour` ON `analytics_guild_hours` (`hour`);--> statement-breakpoint
CREATE TABLE `analytics_members` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`last_message_at` integer,
	`last_reaction_at` integer,
	`last_voice_at` integer,
	`last_interaction_at` integer,
	`last_active_at` integer DEFAULT 0 NOT NULL,
	`joined_at` integer,
	`left_at` integer,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_members_active` ON `analytics_members` (`guild_id`,`last_active_at`);--> statement-breakpoint
CREATE TABLE `analytics_watermarks` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `command_log_created` ON `command_log` (`created_at`);