-- Substring search for /users (username, email, display name) through an FTS5 trigram index: a
-- trigram phrase query is a case-insensitive substring match, the same question as LIKE '%q%',
-- answered without scanning the table. Each search row has the rowid of its users row, so a search
-- narrows users by rowid (which every users index carries) without reading anything else. Triggers
-- keep it in step; db/search-index.ts checks at start that the rowids still line up (a VACUUM may
-- renumber the rowids of a table without an INTEGER PRIMARY KEY) and rebuilds it if not.
CREATE VIRTUAL TABLE `users_search` USING fts5(id UNINDEXED, username, email, display_name, tokenize = 'trigram');
--> statement-breakpoint
INSERT INTO `users_search` (rowid, id, username, email, display_name)
  SELECT rowid, id, username, coalesce(email, ''), coalesce(display_name, '') FROM `users`;
--> statement-breakpoint
CREATE TRIGGER `users_search_insert` AFTER INSERT ON `users` BEGIN
  INSERT INTO `users_search` (rowid, id, username, email, display_name)
    VALUES (new.rowid, new.id, new.username, coalesce(new.email, ''), coalesce(new.display_name, ''));
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_update` AFTER UPDATE OF username, email, display_name ON `users` BEGIN
  DELETE FROM `users_search` WHERE rowid = old.rowid;
  INSERT INTO `users_search` (rowid, id, username, email, display_name)
    VALUES (new.rowid, new.id, new.username, coalesce(new.email, ''), coalesce(new.display_name, ''));
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_delete` AFTER DELETE ON `users` BEGIN
  DELETE FROM `users_search` WHERE rowid = old.rowid;
END;
