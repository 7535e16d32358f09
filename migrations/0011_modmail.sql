CREATE TABLE `modmail_categories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`emoji` text,
	`questions` text NOT NULL,
	`staff_role_id` text,
	`destination_id` text,
	`position` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`removed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_categories_guild_name` ON `modmail_categories` (`guild_id`,`name`) WHERE "modmail_categories"."removed_at" IS NULL;--> statement-breakpoint
CREATE TABLE `modmail_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`author_id` text NOT NULL,
	`anonymous` integer DEFAULT false NOT NULL,
	`content` text NOT NULL,
	`attachments` text DEFAULT '[]' NOT NULL,
	`source_id` text NOT NULL,
	`dm_message_id` text,
	`thread_message_id` text,
	`action` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_entries_ticket_seq` ON `modmail_entries` (`ticket_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_entries_ticket_source` ON `modmail_entries` (`ticket_id`,`source_id`);--> statement-breakpoint
CREATE TABLE `modmail_subscriptions` (
	`ticket_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`ticket_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `modmail_tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`member_id` text NOT NULL,
	`category_id` integer,
	`state` text DEFAULT 'open' NOT NULL,
	`thread_id` text,
	`parent_id` text,
	`dm_channel_id` text,
	`opened_via` text NOT NULL,
	`opened_by` text NOT NULL,
	`subject` text,
	`claimed_by` text,
	`priority` text DEFAULT 'normal' NOT NULL,
	`opened_at` integer NOT NULL,
	`first_response_at` integer,
	`last_member_message_at` integer,
	`last_staff_message_at` integer,
	`closed_at` integer,
	`closed_by` text,
	`close_reason` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_tickets_open` ON `modmail_tickets` (`guild_id`,`member_id`) WHERE "modmail_tickets"."state" = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX `modmail_tickets_thread` ON `modmail_tickets` (`thread_id`);--> statement-breakpoint
CREATE INDEX `modmail_tickets_member` ON `modmail_tickets` (`member_id`,`state`);--> statement-breakpoint
CREATE INDEX `modmail_tickets_guild_state` ON `modmail_tickets` (`guild_id`,`state`,`opened_at`);