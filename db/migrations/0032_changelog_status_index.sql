-- Vocabulary preview (issue #9): the work items a status mapping or workflow step change can touch are those whose
-- history passes one of the changed statuses; these indexes find them without reading the whole changelog (and
-- serve the ON DELETE SET NULL of a deleted status, which scanned it).
CREATE INDEX changelogs_from_status_idx ON changelogs (from_status_id);
CREATE INDEX changelogs_to_status_idx ON changelogs (to_status_id);
