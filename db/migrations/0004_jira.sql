-- Jira connector access paths. Steps 4 (development status) and 5 (sprint reports) select the issues of a run's
-- window by source_updated_at; sprint reports and carry-over chains look memberships up by sprint.
CREATE INDEX work_items_source_updated_idx ON work_items (tenant_id, integration_id, source_updated_at);
CREATE INDEX work_items_sprints_sprint_idx ON work_items_sprints (sprint_id);
CREATE INDEX work_items_prs_links_work_item_idx ON work_items_prs_links (work_item_id);
