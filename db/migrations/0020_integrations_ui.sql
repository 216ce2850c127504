-- Integrations page and progress in records (issue #8).

-- The last connection test of the saved configuration: when, whether it worked, what it said, how long it took.
ALTER TABLE integrations
  ADD COLUMN last_test_at timestamptz,
  ADD COLUMN last_test_ok boolean,
  ADD COLUMN last_test_message text,
  ADD COLUMN last_test_latency_ms int;

-- Uploaded integration logos: sanitized SVG or PNG bytes, per tenant, served with their content type and a
-- restrictive CSP. Bundled logos stay files in static/logos (integrations.logo_filename).
CREATE TABLE integration_logos (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  content_type text NOT NULL CHECK (content_type IN ('image/svg+xml', 'image/png')),
  bytes bytea NOT NULL,
  sha256 text NOT NULL,
  invert_in_dark boolean NOT NULL DEFAULT false,
  filename text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, sha256)
);
ALTER TABLE integrations ADD COLUMN logo_id int REFERENCES integration_logos(id) ON DELETE SET NULL;

-- The source's own estimate of how many records a step of a run will yield (connector pages' expectedRecords), kept
-- on the step's extract counter row; progress shows records done of it.
ALTER TABLE etl_run_stages ADD COLUMN expected_records bigint;

-- The projects whose create screens expose a custom field (discovery), shown on the custom-fields page.
ALTER TABLE custom_fields ADD COLUMN projects text[] NOT NULL DEFAULT '{}';
