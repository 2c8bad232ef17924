CREATE TABLE `budget_alerts` (
	`user_id` text NOT NULL,
	`window_key` text NOT NULL,
	`threshold_pct` integer NOT NULL,
	`used_tokens` integer NOT NULL,
	`limit_tokens` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`sent_at` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	PRIMARY KEY(`user_id`, `window_key`)
);
--> statement-breakpoint
CREATE TABLE `usage_rollups` (
	`user_id` text NOT NULL,
	`bucket` text NOT NULL,
	`endpoint` text DEFAULT '' NOT NULL,
	`model` text DEFAULT '' NOT NULL,
	`calls` integer DEFAULT 0 NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`cost_eur` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`user_id`, `bucket`, `endpoint`, `model`)
);
