ALTER TABLE `mod_cases` ADD `state` text DEFAULT 'done' NOT NULL;--> statement-breakpoint
ALTER TABLE `mod_cases` ADD `action` text;--> statement-breakpoint
ALTER TABLE `mod_cases` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `mod_cases` ADD `claim_token` text;--> statement-breakpoint
ALTER TABLE `mod_cases` ADD `lease_until` integer;--> statement-breakpoint
ALTER TABLE `mod_cases` ADD `last_error` text;--> statement-breakpoint
CREATE INDEX `mod_cases_pending` ON `mod_cases` (`state`,`created_at`) WHERE "mod_cases"."state" = 'pending';