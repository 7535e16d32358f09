CREATE TABLE `modmail_attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`ticket_id` integer NOT NULL,
	`attachment_id` text NOT NULL,
	`filename` text NOT NULL,
	`content_type` text,
	`size` integer NOT NULL,
	`status` text NOT NULL,
	`r2_key` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_attachments_ticket_attachment` ON `modmail_attachments` (`ticket_id`,`attachment_id`);--> statement-breakpoint
CREATE INDEX `modmail_attachments_guild` ON `modmail_attachments` (`guild_id`);--> statement-breakpoint
CREATE TABLE `modmail_blocks` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`reason` text NOT NULL,
	`blocked_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `modmail_snippets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`name` text NOT NULL,
	`content` text NOT NULL,
	`anonymous` integer DEFAULT false NOT NULL,
	`uses` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`updated_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_snippets_guild_name` ON `modmail_snippets` (`guild_id`,`name`);--> statement-breakpoint
CREATE TABLE `modmail_transcripts` (
	`ticket_id` integer PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`r2_key` text NOT NULL,
	`entries` integer NOT NULL,
	`bytes` integer NOT NULL,
	`log_channel_id` text,
	`log_message_id` text,
	`closed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `modmail_transcripts_guild_user` ON `modmail_transcripts` (`guild_id`,`user_id`,`closed_at`);