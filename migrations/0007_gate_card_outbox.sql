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
CREATE INDEX `gate_card_outbox_due` ON `gate_card_outbox` (`status`,`next_attempt_at`) WHERE "gate_card_outbox"."status" = 'pending';