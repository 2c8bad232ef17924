ALTER TABLE `api_keys` ADD `suspended_by` text;--> statement-breakpoint
-- Before this column only admins could suspend a key.
UPDATE `api_keys` SET `suspended_by` = 'admin' WHERE `status` = 'suspended';
