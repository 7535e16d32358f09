CREATE TABLE `gateway_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` text NOT NULL,
	`type` text NOT NULL,
	`guild_id` text,
	`channel_id` text,
	`user_id` text,
	`occurred_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`handled` text DEFAULT '[]' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gateway_events_source` ON `gateway_events` (`source_id`);--> statement-breakpoint
CREATE INDEX `gateway_events_occurred` ON `gateway_events` (`occurred_at`);--> statement-breakpoint
CREATE INDEX `gateway_events_guild_type_occurred` ON `gateway_events` (`guild_id`,`type`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `gateway_shards` (
	`name` text PRIMARY KEY NOT NULL,
	`shard_id` integer NOT NULL,
	`shard_count` integer NOT NULL,
	`updated_at` integer NOT NULL
);
