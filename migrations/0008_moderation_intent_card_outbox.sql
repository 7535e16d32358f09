CREATE TABLE `gate_card_outbox` (
	`application_id` integer PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`claim_token` text,
	`lease_until` integer,
	`last_error` text,
	`message_id` text,
	`created_at` integer NOT NULL,
	`posted_at` integer
);
--> statement-breakpoint
CREATE INDEX `gate_card_outbox_due` ON `gate_card_outbox` (`status`,`next_attempt_at`) WHERE "gate_card_outbox"."status" = 'pending';--> statement-breakpoint
ALTER TABLE `mod_cases` ADD `state` text DEFAULT 'done' NOT NULL;--> statement-breakpoint
ALTER TABLE `mod_cases` ADD `action` text;--> statement-breakpoint
ALTER TABLE `mod_cases` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `mod_cases` ADD `claim_token` text;--> statement-breakpoint
ALTER TABLE `mod_cases` ADD `lease_until` integer;--> statement-breakpoint
ALTER TABLE `mod_cases` ADD `last_error` text;--> statement-breakpoint
CREATE INDEX `mod_cases_pending` ON `mod_cases` (`state`,`created_at`) WHERE "mod_cases"."state" = 'pending';