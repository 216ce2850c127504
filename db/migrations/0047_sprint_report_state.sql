-- Sprint reports read once per closed sprint (issue #12, incremental re-sync ≤ 2 requests per 1,000 issues): the
-- sprint's state and completion date as the board listing gave them when its report was loaded. A closed sprint
-- whose loaded report was taken while it was already closed, with the same completion date, is not asked for
-- again; a sprint that closed (or was re-opened and closed again) since is.
ALTER TABLE sprints ADD COLUMN report_state text;
ALTER TABLE sprints ADD COLUMN report_complete_date timestamptz;
