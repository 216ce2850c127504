-- Work item vocabulary (issue #9): normalized work item types as their own rows, so a type can be renamed, moved to
-- another hierarchy level or deleted (after its mappings move elsewhere) in one place. wits_mappings keep wit_to and
-- wits_hierarchy_id in step with their type (readers such as the vector texts use wit_to).
CREATE TABLE wit_types (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text,
  wits_hierarchy_id int NOT NULL REFERENCES wits_hierarchies(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX wit_types_name_key ON wit_types (tenant_id, integration_id, lower(name));
CREATE INDEX wit_types_hierarchy_idx ON wit_types (wits_hierarchy_id);

ALTER TABLE wits_mappings ADD COLUMN wit_type_id int REFERENCES wit_types(id);
CREATE INDEX wits_mappings_type_idx ON wits_mappings (wit_type_id);
CREATE INDEX statuses_mappings_workflow_idx ON statuses_mappings (workflow_id);
CREATE INDEX work_items_status_idx ON work_items (status_id);
CREATE INDEX work_items_wit_idx ON work_items (wit_id);

INSERT INTO wit_types (tenant_id, integration_id, name, wits_hierarchy_id)
SELECT DISTINCT ON (tenant_id, integration_id, lower(wit_to)) tenant_id, integration_id, wit_to, wits_hierarchy_id
  FROM wits_mappings ORDER BY tenant_id, integration_id, lower(wit_to), id;
UPDATE wits_mappings m SET wit_type_id = t.id
  FROM wit_types t
 WHERE t.tenant_id = m.tenant_id AND t.integration_id = m.integration_id AND lower(t.name) = lower(m.wit_to);

-- Flow metrics computed through a status no workflow step covers (its time and moves count nowhere): flagged.
ALTER TABLE work_items ADD COLUMN flow_through_unmapped boolean NOT NULL DEFAULT false;
