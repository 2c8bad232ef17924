CREATE TABLE `mcp_tools` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mcp_tools_name_unique` ON `mcp_tools` (`name`);--> statement-breakpoint
CREATE TABLE `skills` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `skills_name_unique` ON `skills` (`name`);--> statement-breakpoint
CREATE INDEX `permissions_resource_idx` ON `permissions` (`resource_type`,`resource_id`);--> statement-breakpoint
-- The whitelist turns on with this migration: users who exist now keep calling every model, as they
-- could before it (one `model_endpoint:*` grant each, and an audit row saying why). Users created
-- afterwards start with nothing. Admins need no grants. A fresh database has no users yet: nothing here.
INSERT OR IGNORE INTO `permissions` (`user_id`, `resource_type`, `resource_id`, `granted_by`)
SELECT `id`, 'model_endpoint', '*', 'system' FROM `users` WHERE `role` != 'admin';
--> statement-breakpoint
INSERT INTO `audit_log` (`actor_id`, `actor_name`, `action`, `target_type`, `target_id`, `target_name`, `details`)
SELECT 'system', 'system', 'permission.grant', 'user', `id`, `username`,
  '{"grants":[{"type":"model_endpoint","id":"*"}],"reason":"upgrade: the permissions whitelist was turned on; existing users keep every model"}'
FROM `users` WHERE `role` != 'admin';
