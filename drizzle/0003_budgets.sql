CREATE TABLE `budget_reservations` (
	`request_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`amount` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `budget_reservations_user_idx` ON `budget_reservations` (`user_id`,`expires_at`);--> statement-breakpoint
CREATE TABLE `budget_usage` (
	`user_id` text NOT NULL,
	`window_id` text NOT NULL,
	`used` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`user_id`, `window_id`)
);
--> statement-breakpoint
ALTER TABLE `model_endpoints` ADD `eur_per_m_cache_read` real;--> statement-breakpoint
ALTER TABLE `model_endpoints` ADD `eur_per_m_cache_write` real;--> statement-breakpoint
ALTER TABLE `model_endpoints` ADD `max_output_tokens` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `model_endpoints` ADD `output_cap_field` text DEFAULT 'max_tokens' NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_events` ADD `cache_read_tokens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_events` ADD `cache_write_tokens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_events` ADD `estimated` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_events` ADD `over_cap` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `tz_previous_offset_hours` real;--> statement-breakpoint
ALTER TABLE `users` ADD `tz_switch_at` text;