-- Development summaries (issue #12): the issue's development field as the last load saw it, and as it was when the
-- development panel was last read for it. Step 4 calls the panel only for items whose two differ (or that were
-- never read), instead of for every item with the field set.
CREATE TABLE jira_dev_summaries (
  work_item_id bigint PRIMARY KEY REFERENCES work_items(id) ON DELETE CASCADE,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  summary text,
  fetched_summary text
);
CREATE INDEX jira_dev_summaries_changed_idx ON jira_dev_summaries (tenant_id, integration_id)
  WHERE summary IS DISTINCT FROM fetched_summary;
