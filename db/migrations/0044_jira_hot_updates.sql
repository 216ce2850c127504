-- The Jira after-step recompute (engine/connectors/jira/load/recompute_derived.ts) rewrites, right after the page
-- loads inserted them, every new work item's flow metrics and every new transition's start and time in status.
-- None of those columns is indexed, so PostgreSQL can write the new row version on the same heap page without a new
-- entry in any index (a HOT update) — but only when that page has room for it. Pages loaded full had none, so every
-- such update went to another page and into all indexes (9 on work_items, 4 on changelogs): updating 60,000
-- transitions took 2.4 s at fillfactor 100 and 0.6 s at 50, where all of them are HOT. Half-full pages cost no space
-- on the first sync: the rewrite doubles the rows a page holds either way (old and new version), it only decides
-- whether they land on the same page. Later syncs reuse the room the pruned old versions leave. Applies to pages
-- written from now on.
ALTER TABLE work_items SET (fillfactor = 50);
ALTER TABLE changelogs SET (fillfactor = 50);
