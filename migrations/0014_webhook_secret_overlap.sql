ALTER TABLE `webhook_subscriptions` ADD `previous_secret_sealed` text;--> statement-breakpoint
ALTER TABLE `webhook_subscriptions` ADD `previous_secret_hint` text;--> statement-breakpoint
ALTER TABLE `webhook_subscriptions` ADD `previous_secret_expires_at` integer;