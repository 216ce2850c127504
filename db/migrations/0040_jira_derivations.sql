-- Inputs of the Jira values derived from history (flow metrics, time in status, sprint membership dates), kept so
-- that those values are a pure function of the complete stored history: page loads only add to the history (status
-- transitions in changelogs, sprint and story-point changes here) and mark the item pending; the step's after-step
-- hook recomputes every pending item from what is stored, in one transaction with the step's advance. Batch order,
-- redelivery or a replay after a crash can therefore not change a derived value.
CREATE TABLE jira_field_histories (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  work_item_id bigint NOT NULL REFERENCES work_items(id) ON DELETE CASCADE,
  -- Jira history id
  external_id text NOT NULL,
  changed_at timestamptz NOT NULL,
  -- the history's sprint and story-point items ({field, fieldId, from, to, fromString, toString})
  items jsonb NOT NULL,
  PRIMARY KEY (work_item_id, external_id)
);
CREATE INDEX jira_field_histories_tenant_idx ON jira_field_histories (tenant_id);

CREATE TABLE jira_derivations (
  work_item_id bigint PRIMARY KEY REFERENCES work_items(id) ON DELETE CASCADE,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  -- the sprint field of the newest snapshot of the issue (sprint details as the issue names them)
  current_sprints jsonb NOT NULL DEFAULT '[]',
  snapshot_updated_at timestamptz,
  -- history changed since the derived values were last computed
  pending boolean NOT NULL DEFAULT true
);
CREATE INDEX jira_derivations_pending_idx ON jira_derivations (tenant_id, integration_id) WHERE pending;
