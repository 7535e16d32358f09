CREATE TABLE `reminder_timezones` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`timezone` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `reminders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`target` text NOT NULL,
	`text` text NOT NULL,
	`due_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`claim_token` text,
	`lease_until` integer,
	`retry_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`delivered_to` text,
	`delivered_at` integer,
	`message_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reminders_due` ON `reminders` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `reminders_guild_user` ON `reminders` (`guild_id`,`user_id`,`status`);--> statement-breakpoint
CREATE TABLE `role_menu_options` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`menu_id` integer NOT NULL,
	`role_id` text NOT NULL,
	`label` text NOT NULL,
	`emoji` text,
	`description` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `role_menu_options_menu_role` ON `role_menu_options` (`menu_id`,`role_id`);--> statement-breakpoint
CREATE INDEX `role_menu_options_guild` ON `role_menu_options` (`guild_id`,`menu_id`);--> statement-breakpoint
CREATE TABLE `role_menus` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`name` text NOT NULL,
	`mode` text NOT NULL,
	`style` text DEFAULT 'buttons' NOT NULL,
	`description` text,
	`required_role_id` text,
	`max_per_member` integer,
	`channel_id` text,
	`message_id` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `role_menus_guild_name` ON `role_menus` (`guild_id`,`name`);--> statement-breakpoint
CREATE TABLE `tags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`name` text NOT NULL,
	`content` text NOT NULL,
	`allow_mentions` integer DEFAULT false NOT NULL,
	`uses` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`updated_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_guild_name` ON `tags` (`guild_id`,`name`);--> statement-breakpoint
CREATE INDEX `tags_guild_uses` ON `tags` (`guild_id`,`uses`);