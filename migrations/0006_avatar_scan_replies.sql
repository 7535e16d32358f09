CREATE TABLE `avatar_scan_replies` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`token` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `avatar_scan_replies_expires` ON `avatar_scan_replies` (`expires_at`);