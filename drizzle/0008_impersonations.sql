CREATE TABLE `impersonations` (
	`id` text PRIMARY KEY NOT NULL,
	`admin_id` text NOT NULL,
	`admin_session_id` text NOT NULL,
	`user_id` text NOT NULL,
	`started_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`ended_at` text,
	`end_reason` text
);
--> statement-breakpoint
CREATE INDEX `impersonations_admin_idx` ON `impersonations` (`admin_id`,`started_at`);