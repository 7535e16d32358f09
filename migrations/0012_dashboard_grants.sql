CREATE TABLE `dashboard_grants` (
	`guild_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`level` text NOT NULL,
	`write` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`granted_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `subject_kind`, `subject_id`)
);
