-- Microsoft Fabric lakehouse tables (the Fabric job). Each configured Delta table is loaded into a table of its
-- own (fabric_<integration>_<name>, created by the loader with columns typed from the table's schema, plus
-- tenant_id, _delta_version and _deleted); this registry says which, with the Delta version read so far (the
-- checkpoint between runs, committed by the job's last step once every row of the run loaded) and what changed.
CREATE TABLE fabric_tables (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  source_table text NOT NULL,
  sql_table text NOT NULL,
  key_columns text[] NOT NULL,
  columns jsonb NOT NULL DEFAULT '[]'::jsonb,
  delta_version bigint,
  pending_version bigint,
  pending_full boolean NOT NULL DEFAULT false,
  warning text,
  live_rows bigint NOT NULL DEFAULT 0,
  last_change_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, integration_id, source_table)
);

UPDATE etl_jobs
   SET steps = '[{"key": "fabric_data", "name": "Fabric Data", "order": 1},
                 {"key": "fabric_commit", "name": "Commit Versions", "order": 2}]'::jsonb,
       step_states = step_states || '{"fabric_commit": {"extract": "idle", "transform": "idle", "embed": "idle"}}'::jsonb
 WHERE job_type = 'fabric' AND NOT steps @> '[{"key": "fabric_commit"}]'::jsonb;
