-- Engine state (engine/*.ts): run progress and extraction leases on etl_runs, per-run batch tracking (the claim
-- check, the effect-once marks and the RabbitMQ outbox), the database vector store, and the tables of the synthetic
-- test connector.

-- The synthetic test source is a provider like any other, so its jobs have an integration to hang off.
ALTER TABLE integrations DROP CONSTRAINT integrations_provider_check;
ALTER TABLE integrations ADD CONSTRAINT integrations_provider_check
  CHECK (provider IN ('jira', 'github', 'fabric', 'ad', 'synthetic'));

-- Steps run in order; extraction of the current step is owned by whoever holds (extract_seq, checkpoint_rev):
-- every extract message carries the seq it was published for, every page commit compares-and-sets the revision,
-- so a duplicate or stale extract message can never write a page twice.
ALTER TABLE etl_runs
  ADD COLUMN step_keys text[] NOT NULL DEFAULT '{}',
  ADD COLUMN current_step text,
  ADD COLUMN step_extracted boolean NOT NULL DEFAULT false,
  ADD COLUMN extract_seq int NOT NULL DEFAULT 0,
  ADD COLUMN checkpoint_rev int NOT NULL DEFAULT 0,
  ADD COLUMN checkpoint jsonb;
CREATE INDEX etl_runs_live_idx ON etl_runs (status) WHERE status IN ('RUNNING', 'RATE_LIMITED');

-- One row per batch (source page) a run hands to transform. Lives per run, not as flags on the raw row, so a
-- re-transform run can replay raw rows of earlier runs with its own marks. published_at / embed_published_at are
-- the outbox: with RabbitMQ a message is published after the commit, and rows still NULL are re-published on
-- resume or takeover.
CREATE TABLE etl_run_batches (
  run_id bigint NOT NULL REFERENCES etl_runs(id) ON DELETE CASCADE,
  raw_id bigint NOT NULL REFERENCES raw_extraction_data(id) ON DELETE CASCADE,
  tenant_id int NOT NULL,
  step text NOT NULL,
  record_count int NOT NULL DEFAULT 0,
  published_at timestamptz,
  transformed_at timestamptz,
  rows_written int,
  -- [{table, ids}] the load asked to vectorise; NULL/empty = nothing to embed
  embed_work jsonb,
  embed_published_at timestamptz,
  embedded_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, raw_id)
);
CREATE INDEX etl_run_batches_tenant_idx ON etl_run_batches (tenant_id);
CREATE INDEX etl_run_batches_raw_idx ON etl_run_batches (raw_id);
CREATE INDEX etl_run_batches_untransformed_idx ON etl_run_batches (run_id) WHERE transformed_at IS NULL;
CREATE INDEX etl_run_batches_unembedded_idx ON etl_run_batches (run_id)
  WHERE transformed_at IS NOT NULL AND embedded_at IS NULL AND embed_work IS NOT NULL;

-- Vector store on plain PostgreSQL (no pgvector needed): one row per point, the same ids as the Qdrant points
-- the bridge table names, so switching the store to Qdrant keeps the bridge valid.
CREATE TABLE vector_points (
  point_id uuid PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  collection text NOT NULL,
  vector real[] NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vector_points_collection_idx ON vector_points (tenant_id, collection);

-- Synthetic test connector (engine/connectors/synthetic): groups are loaded by step 1, items by step 2 and refer
-- to their group, so a step that ran before its predecessor finished would fail loudly.
CREATE TABLE synthetic_groups (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  name text NOT NULL,
  source_updated_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX synthetic_groups_tenant_idx ON synthetic_groups (tenant_id);

CREATE TABLE synthetic_items (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  group_id bigint NOT NULL REFERENCES synthetic_groups(id) ON DELETE CASCADE,
  title text NOT NULL,
  body text,
  status text NOT NULL,
  points int,
  source_updated_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX synthetic_items_tenant_idx ON synthetic_items (tenant_id);
