CREATE TABLE `voice_states` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`channel_id` text,
	`muted` integer NOT NULL,
	`bot` integer NOT NULL,
	`role_ids` text,
	`at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `user_id`)
);
