ALTER TABLE `overview_days` DROP COLUMN `joined`;--> statement-breakpoint
ALTER TABLE `overview_days` DROP COLUMN `left`;