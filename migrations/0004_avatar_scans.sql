CREATE TABLE `avatar_scans` (
	`avatar_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`status` text NOT NULL,
	`probabilities` text,
	`risk` real,
	`model_version` text NOT NULL,
	`error` text,
	`scanned_at` integer NOT NULL
);
