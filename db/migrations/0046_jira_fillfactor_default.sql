-- 0044 left half of each new work_items and changelogs page empty so that the after-step recompute could rewrite
-- every new row's derived columns in place (HOT). The page load now writes those columns with the row
-- (engine/connectors/jira/load/derived_page.ts) and nothing rewrites a first sync's rows: the empty halves only
-- doubled the pages every insert, scan and index look-up touches. Back to PostgreSQL's default for pages written
-- from now on.
ALTER TABLE work_items SET (fillfactor = 100);
ALTER TABLE changelogs SET (fillfactor = 100);
