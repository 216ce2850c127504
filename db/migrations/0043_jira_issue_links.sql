-- Jira issue links (issue #12 "Issue links"). A link is stored once, by Jira's link id, in its outward direction:
-- "source <type.outward> target" (e.g. A blocks B). Both ends are kept by Jira id and key rather than as foreign
-- keys, so a link to an issue outside the synced projects or window keeps its key; work items join by external id.
-- Link types come from /issueLinkType; the type's names are copied onto the link so a link whose type was not
-- listed (deleted since, linking disabled) still reads.
CREATE TABLE jira_link_types (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  name text NOT NULL,
  inward text NOT NULL,
  outward text NOT NULL,
  PRIMARY KEY (tenant_id, integration_id, external_id)
);

CREATE TABLE work_item_links (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  type_external_id text NOT NULL,
  type_name text NOT NULL,
  inward text NOT NULL,
  outward text NOT NULL,
  source_external_id text NOT NULL,
  source_key text NOT NULL,
  target_external_id text NOT NULL,
  target_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, integration_id, external_id)
);
CREATE INDEX work_item_links_source_idx ON work_item_links (tenant_id, integration_id, source_external_id);
CREATE INDEX work_item_links_target_idx ON work_item_links (tenant_id, integration_id, target_external_id);
