CREATE TABLE `usage_rollups_daily` (
	`user_id` text NOT NULL,
	`day` text NOT NULL,
	`endpoint` text DEFAULT '' NOT NULL,
	`model` text DEFAULT '' NOT NULL,
	`calls` integer DEFAULT 0 NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`cost_eur` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`user_id`, `day`, `endpoint`, `model`)
);
