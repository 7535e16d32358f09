CREATE TABLE `analytics_channel_days` (
	`guild_id` text NOT NULL,
	`day` integer NOT NULL,
	`channel_id` text NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`members` integer DEFAULT 0 NOT NULL,
	`reactions` integer DEFAULT 0 NOT NULL,
	`voice_minutes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`guild_id`, `day`, `channel_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_channel_days_day` ON `analytics_channel_days` (`day`);--> statement-breakpoint
CREATE TABLE `analytics_channel_hours` (
	`guild_id` text NOT NULL,
	`hour` integer NOT NULL,
	`channel_id` text NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`members` integer DEFAULT 0 NOT NULL,
	`reactions` integer DEFAULT 0 NOT NULL,
	`voice_minutes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`guild_id`, `hour`, `channel_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_channel_hours_hour` ON `analytics_channel_hours` (`hour`);--> statement-breakpoint
CREATE TABLE `analytics_guild_days` (
	`guild_id` text NOT NULL,
	`day` integer NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`members` integer DEFAULT 0 NOT NULL,
	`reactions` integer DEFAULT 0 NOT NULL,
	`voice_minutes` integer DEFAULT 0 NOT NULL,
	`joins` integer DEFAULT 0 NOT NULL,
	`leaves` integer DEFAULT 0 NOT NULL,
	`commands` integer DEFAULT 0 NOT NULL,
	`hourly` text NOT NULL,
	PRIMARY KEY(`guild_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `analytics_guild_days_day` ON `analytics_guild_days` (`day`);--> statement-breakpoint
CREATE TABLE `analytics_guild_hours` (
	`guild_id` text NOT NULL,
	`hour` integer NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`members` integer DEFAULT 0 NOT NULL,
	`reactions` integer DEFAULT 0 NOT NULL,
	`voice_minutes` integer DEFAULT 0 NOT NULL,
	`joins` integer DEFAULT 0 NOT NULL,
	`leaves` integer DEFAULT 0 NOT NULL,
	`commands` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`guild_id`, `hour`)
);
--> statement-breakpoint
CREATE INDEX `analytics_guild_hours_hour` ON `analytics_guild_hours` (`hour`);--> statement-breakpoint
CREATE TABLE `analytics_members` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`last_message_at` integer,
	`last_reaction_at` integer,
	`last_voice_at` integer,
	`last_interaction_at` integer,
	`last_active_at` integer DEFAULT 0 NOT NULL,
	`joined_at` integer,
	`left_at` integer,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_members_active` ON `analytics_members` (`guild_id`,`last_active_at`);--> statement-breakpoint
CREATE TABLE `analytics_watermarks` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
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
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`event_type` text NOT NULL,
	`event_key` text NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_at` integer NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`response_code` integer,
	`latency_ms` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_event` ON `webhook_deliveries` (`subscription_id`,`event_type`,`event_key`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_log` ON `webhook_deliveries` (`guild_id`,`subscription_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_at`);--> statement-breakpoint
CREATE TABLE `webhook_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`secret_sealed` text NOT NULL,
	`secret_hint` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text,
	`failures` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_success_at` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_subscriptions_guild` ON `webhook_subscriptions` (`guild_id`);--> statement-breakpoint
CREATE TABLE `analytics_drift_audit` (
	`entry_id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`action_type` integer NOT NULL,
	`target_id` text NOT NULL,
	`actor_id` text NOT NULL,
	`role_ids` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `analytics_drift_audit_target` ON `analytics_drift_audit` (`guild_id`,`target_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `analytics_drift_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`role_id` text NOT NULL,
	`role_name` text NOT NULL,
	`user_id` text,
	`before` text,
	`after` text,
	`actor_id` text,
	`source` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`alert_channel_id` text,
	`alert_message_id` text,
	`alerted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `analytics_drift_changes_key` ON `analytics_drift_changes` (`guild_id`,`key`);--> statement-breakpoint
CREATE INDEX `analytics_drift_changes_time` ON `analytics_drift_changes` (`guild_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `analytics_drift_changes_owed` ON `analytics_drift_changes` (`guild_id`,`id`) WHERE alerted_at IS NULL;--> statement-breakpoint
CREATE TABLE `analytics_drift_guilds` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`baseline_at` integer,
	`baseline_by` text,
	`run_started_at` integer,
	`run_cursor` text,
	`last_run_at` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `analytics_drift_holders` (
	`guild_id` text NOT NULL,
	`scope` text NOT NULL,
	`role_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`guild_id`, `scope`, `role_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_drift_holders_user` ON `analytics_drift_holders` (`guild_id`,`scope`,`user_id`);--> statement-breakpoint
CREATE TABLE `analytics_drift_roles` (
	`guild_id` text NOT NULL,
	`scope` text NOT NULL,
	`role_id` text NOT NULL,
	`name` text NOT NULL,
	`permissions` text NOT NULL,
	PRIMARY KEY(`guild_id`, `scope`, `role_id`)
);
--> statement-breakpoint
CREATE TABLE `analytics_funnel_members` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`joined_at` integer NOT NULL,
	`first_message_at` integer,
	`max_level` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_funnel_joined` ON `analytics_funnel_members` (`guild_id`,`joined_at`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`scopes` text NOT NULL,
	`origins` text NOT NULL,
	`tier` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`revoked_by` text,
	`rotated_to` text,
	`rotated_from` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_guild` ON `api_keys` (`guild_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_rotated_from` ON `api_keys` (`rotated_from`);--> statement-breakpoint
CREATE INDEX `command_log_created` ON `command_log` (`created_at`);