PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_cc_profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`config` text DEFAULT '{}' NOT NULL,
	`is_active` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`owner_id` text,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_cc_profiles`("id", "name", "description", "config", "is_active", "created_at", "updated_at", "owner_id") SELECT "id", "name", "description", "config", "is_active", "created_at", "updated_at", "owner_id" FROM `cc_profiles`;--> statement-breakpoint
DROP TABLE `cc_profiles`;--> statement-breakpoint
ALTER TABLE `__new_cc_profiles` RENAME TO `cc_profiles`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `cc_profiles_owner_idx` ON `cc_profiles` (`owner_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cc_profiles_name_unique` ON `cc_profiles` (`name`);--> statement-breakpoint
CREATE TABLE `__new_expert_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`config` text DEFAULT '{}' NOT NULL,
	`is_active` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`owner_id` text,
	`cost_factor` real DEFAULT 1 NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_expert_templates`("id", "name", "description", "config", "is_active", "created_at", "updated_at", "owner_id", "cost_factor") SELECT "id", "name", "description", "config", "is_active", "created_at", "updated_at", "owner_id", "cost_factor" FROM `expert_templates`;--> statement-breakpoint
DROP TABLE `expert_templates`;--> statement-breakpoint
ALTER TABLE `__new_expert_templates` RENAME TO `expert_templates`;--> statement-breakpoint
CREATE INDEX `expert_templates_owner_idx` ON `expert_templates` (`owner_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `expert_templates_name_unique` ON `expert_templates` (`name`);--> statement-breakpoint
ALTER TABLE `users` ADD `active_cc_profile_id` text;