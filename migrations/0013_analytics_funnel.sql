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