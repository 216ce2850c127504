-- Core schema for the whole product. Conventions: every tenant-owned table carries tenant_id (indexed);
-- integration-scoped source tables have the natural key (tenant_id, integration_id, external_id); every time is
-- timestamptz in UTC; soft delete is `active`. Fixes the reference's drift: real unique keys instead of
-- pre-select dedup, mapping uniqueness per integration, job type as a column, status values checked.

CREATE TABLE tenants (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  website text,
  logo_url text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email text NOT NULL,
  first_name text,
  last_name text,
  role text NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user', 'viewer')),
  password_hash text,
  theme text NOT NULL DEFAULT 'system' CHECK (theme IN ('light', 'dark', 'system')),
  -- logout and password change bump this: tokens issued before it are refused (per-user not-before)
  tokens_valid_after timestamptz NOT NULL DEFAULT to_timestamp(0),
  must_change_password boolean NOT NULL DEFAULT false,
  last_login_at timestamptz,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- login is by e-mail, so an address names one account across tenants
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_tenant_idx ON users (tenant_id);

-- failed-login counters shared by every instance (keys: 'acct:<email>' and 'ip:<address>')
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures int NOT NULL DEFAULT 0,
  window_started_at timestamptz NOT NULL DEFAULT now(),
  blocked_until timestamptz
);

CREATE TABLE integrations (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider IN ('jira', 'github', 'fabric', 'ad')),
  name text NOT NULL,
  type text NOT NULL DEFAULT 'data' CHECK (type IN ('data', 'ai', 'embedding', 'system')),
  base_url text,
  -- AES-GCM ciphertext (see server/secrets.ts); never selected by API read paths
  credentials_enc text,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  logo_filename text,
  active boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);
CREATE INDEX integrations_tenant_idx ON integrations (tenant_id);

CREATE TABLE etl_jobs (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id),
  name text NOT NULL,
  job_type text NOT NULL CHECK (job_type IN ('jira', 'github', 'fabric', 'ad', 'synthetic')),
  active boolean NOT NULL DEFAULT true,
  status text NOT NULL DEFAULT 'READY'
    CHECK (status IN ('READY', 'RUNNING', 'FINISHED', 'FAILED', 'RATE_LIMITED')),
  -- ordered step definitions [{key, name, order}] and their live state {key: {extract, transform, embed}}
  steps jsonb NOT NULL DEFAULT '[]'::jsonb,
  step_states jsonb NOT NULL DEFAULT '{}'::jsonb,
  schedule_interval_minutes int NOT NULL DEFAULT 60 CHECK (schedule_interval_minutes >= 1),
  retry_interval_minutes int NOT NULL DEFAULT 15 CHECK (retry_interval_minutes >= 1),
  next_run_at timestamptz,
  resume_at timestamptz,
  last_run_started_at timestamptz,
  last_run_finished_at timestamptz,
  last_success_at timestamptz,
  -- start time of the last successful run; advanced only on success
  watermark timestamptz,
  checkpoint_data jsonb,
  current_run_id bigint,
  retry_count int NOT NULL DEFAULT 0,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name),
  CHECK (retry_interval_minutes < schedule_interval_minutes)
);
CREATE INDEX etl_jobs_tenant_idx ON etl_jobs (tenant_id);
CREATE INDEX etl_jobs_due_idx ON etl_jobs (next_run_at) WHERE active;

CREATE TABLE etl_runs (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  job_id int NOT NULL REFERENCES etl_jobs(id) ON DELETE CASCADE,
  token uuid NOT NULL UNIQUE,
  trigger text NOT NULL CHECK (trigger IN ('manual', 'schedule', 'recovery', 'retransform', 'resume')),
  status text NOT NULL DEFAULT 'RUNNING'
    CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED', 'RATE_LIMITED', 'FENCED')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  window_from timestamptz,
  window_to timestamptz,
  owner text,
  heartbeat_at timestamptz,
  extraction_finished boolean NOT NULL DEFAULT false,
  resume_at timestamptz,
  requests_made int NOT NULL DEFAULT 0,
  rows_written bigint NOT NULL DEFAULT 0,
  error text,
  error_details jsonb
);
CREATE INDEX etl_runs_tenant_idx ON etl_runs (tenant_id);
CREATE INDEX etl_runs_job_idx ON etl_runs (job_id, started_at DESC);
ALTER TABLE etl_jobs ADD CONSTRAINT etl_jobs_current_run_fk
  FOREIGN KEY (current_run_id) REFERENCES etl_runs(id) ON DELETE SET NULL;

-- counted completion: one row per (run, step, stage); expected grows when a stage publishes, done when a batch
-- commits, both in the same transaction as the data
CREATE TABLE etl_run_stages (
  run_id bigint NOT NULL REFERENCES etl_runs(id) ON DELETE CASCADE,
  tenant_id int NOT NULL,
  step text NOT NULL,
  stage text NOT NULL CHECK (stage IN ('extract', 'transform', 'embed')),
  expected bigint NOT NULL DEFAULT 0,
  done bigint NOT NULL DEFAULT 0,
  failed bigint NOT NULL DEFAULT 0,
  records bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step, stage)
);
CREATE INDEX etl_run_stages_tenant_idx ON etl_run_stages (tenant_id);

CREATE TABLE raw_extraction_data (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  run_id bigint REFERENCES etl_runs(id) ON DELETE SET NULL,
  step text NOT NULL,
  kind text NOT NULL,
  external_id text,
  record_count int NOT NULL DEFAULT 0,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX raw_extraction_data_tenant_idx ON raw_extraction_data (tenant_id);
CREATE INDEX raw_extraction_data_replay_idx ON raw_extraction_data (tenant_id, integration_id, step, id);
CREATE INDEX raw_extraction_data_run_idx ON raw_extraction_data (run_id);

-- people across sources: one row per source account, grouped into a person by person_key (lower e-mail or login)
CREATE TABLE identities (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  display_name text,
  email text,
  login text,
  avatar_url text,
  person_key text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX identities_tenant_idx ON identities (tenant_id);
CREATE INDEX identities_person_idx ON identities (tenant_id, person_key);

CREATE TABLE projects (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  key text NOT NULL,
  name text NOT NULL,
  project_type text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX projects_tenant_idx ON projects (tenant_id);

CREATE TABLE wits_hierarchies (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  level_number int NOT NULL,
  level_name text NOT NULL,
  description text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, level_number)
);
CREATE INDEX wits_hierarchies_tenant_idx ON wits_hierarchies (tenant_id);

CREATE TABLE wits_mappings (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  wit_from text NOT NULL,
  wit_to text NOT NULL,
  wits_hierarchy_id int NOT NULL REFERENCES wits_hierarchies(id),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- type names match case-insensitively
CREATE UNIQUE INDEX wits_mappings_from_key ON wits_mappings (tenant_id, integration_id, lower(wit_from));
CREATE INDEX wits_mappings_tenant_idx ON wits_mappings (tenant_id);

CREATE TABLE wits (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  original_name text NOT NULL,
  description text,
  hierarchy_level int NOT NULL DEFAULT 0,
  wits_mapping_id int REFERENCES wits_mappings(id) ON DELETE SET NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX wits_tenant_idx ON wits (tenant_id);

CREATE TABLE projects_wits (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  project_id int NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  wit_id int NOT NULL REFERENCES wits(id) ON DELETE CASCADE,
  PRIMARY KEY (project_id, wit_id)
);
CREATE INDEX projects_wits_tenant_idx ON projects_wits (tenant_id);

CREATE TABLE workflows (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  step_number int,
  step_name text NOT NULL,
  step_category text NOT NULL CHECK (step_category IN ('To Do', 'In Progress', 'Waiting', 'Done', 'Discarded')),
  is_commitment_point boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, step_name)
);
CREATE UNIQUE INDEX workflows_one_commitment_point ON workflows (tenant_id, integration_id)
  WHERE is_commitment_point AND active;
CREATE INDEX workflows_tenant_idx ON workflows (tenant_id);

CREATE TABLE statuses_mappings (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  status_from text NOT NULL,
  status_to text NOT NULL,
  status_category text NOT NULL,
  workflow_id int REFERENCES workflows(id) ON DELETE SET NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX statuses_mappings_from_key ON statuses_mappings (tenant_id, integration_id, lower(status_from));
CREATE INDEX statuses_mappings_tenant_idx ON statuses_mappings (tenant_id);

CREATE TABLE statuses (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  original_name text NOT NULL,
  category text NOT NULL,
  description text,
  status_mapping_id int REFERENCES statuses_mappings(id) ON DELETE SET NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX statuses_tenant_idx ON statuses (tenant_id);

-- project ↔ issue type ↔ status relations
CREATE TABLE projects_statuses (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  project_id int NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  wit_id int NOT NULL REFERENCES wits(id) ON DELETE CASCADE,
  status_id int NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  PRIMARY KEY (project_id, wit_id, status_id)
);
CREATE INDEX projects_statuses_tenant_idx ON projects_statuses (tenant_id);

CREATE TABLE custom_fields (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  name text NOT NULL,
  field_type text NOT NULL DEFAULT 'any',
  operations jsonb NOT NULL DEFAULT '[]'::jsonb,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX custom_fields_tenant_idx ON custom_fields (tenant_id);

CREATE TABLE custom_fields_mappings (
  id serial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  team_field_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  sprints_field_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  development_field_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  story_points_field_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_01_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_02_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_03_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_04_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_05_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_06_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_07_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_08_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_09_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_10_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_11_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_12_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_13_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_14_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_15_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_16_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_17_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_18_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_19_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  custom_field_20_id int REFERENCES custom_fields(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id)
);
CREATE INDEX custom_fields_mappings_tenant_idx ON custom_fields_mappings (tenant_id);

CREATE TABLE work_items (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  key text NOT NULL,
  project_id int REFERENCES projects(id) ON DELETE SET NULL,
  wit_id int REFERENCES wits(id) ON DELETE SET NULL,
  status_id int REFERENCES statuses(id) ON DELETE SET NULL,
  parent_external_id text,
  summary text,
  description text,
  priority text,
  resolution text,
  assignee_id bigint REFERENCES identities(id) ON DELETE SET NULL,
  reporter_id bigint REFERENCES identities(id) ON DELETE SET NULL,
  labels text[] NOT NULL DEFAULT '{}',
  components text[] NOT NULL DEFAULT '{}',
  team text,
  story_points double precision,
  development boolean NOT NULL DEFAULT false,
  source_created_at timestamptz,
  source_updated_at timestamptz,
  resolved_at timestamptz,
  -- flow metrics, recomputed from the complete ordered transition history
  work_first_committed_at timestamptz,
  work_first_started_at timestamptz,
  work_last_started_at timestamptz,
  work_first_completed_at timestamptz,
  work_last_completed_at timestamptz,
  total_work_starts int NOT NULL DEFAULT 0,
  total_completions int NOT NULL DEFAULT 0,
  total_backlog_returns int NOT NULL DEFAULT 0,
  total_work_time_seconds double precision,
  total_waiting_time_seconds double precision,
  total_cycle_time_seconds double precision,
  total_lead_time_seconds double precision,
  rework_indicator boolean NOT NULL DEFAULT false,
  direct_completion boolean NOT NULL DEFAULT false,
  custom_field_01 text, custom_field_02 text, custom_field_03 text, custom_field_04 text, custom_field_05 text,
  custom_field_06 text, custom_field_07 text, custom_field_08 text, custom_field_09 text, custom_field_10 text,
  custom_field_11 text, custom_field_12 text, custom_field_13 text, custom_field_14 text, custom_field_15 text,
  custom_field_16 text, custom_field_17 text, custom_field_18 text, custom_field_19 text, custom_field_20 text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX work_items_tenant_idx ON work_items (tenant_id);
CREATE INDEX work_items_key_idx ON work_items (tenant_id, integration_id, key);

CREATE TABLE changelogs (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  work_item_id bigint NOT NULL REFERENCES work_items(id) ON DELETE CASCADE,
  -- Jira history id (one status change per history)
  external_id text NOT NULL,
  from_status_id int REFERENCES statuses(id) ON DELETE SET NULL,
  to_status_id int REFERENCES statuses(id) ON DELETE SET NULL,
  transition_start_date timestamptz,
  transition_change_date timestamptz NOT NULL,
  time_in_status_seconds double precision,
  changed_by_id bigint REFERENCES identities(id) ON DELETE SET NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX changelogs_tenant_idx ON changelogs (tenant_id);
CREATE INDEX changelogs_work_item_idx ON changelogs (work_item_id, transition_change_date);

CREATE TABLE sprints (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  board_id text,
  name text NOT NULL,
  state text,
  goal text,
  start_date timestamptz,
  end_date timestamptz,
  complete_date timestamptz,
  completed_estimate double precision,
  not_completed_estimate double precision,
  punted_estimate double precision,
  total_estimate double precision,
  completion_percentage double precision,
  velocity double precision,
  scope_change_count int,
  carry_over_count int,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX sprints_tenant_idx ON sprints (tenant_id);

CREATE TABLE work_items_sprints (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  work_item_id bigint NOT NULL REFERENCES work_items(id) ON DELETE CASCADE,
  sprint_id bigint NOT NULL REFERENCES sprints(id) ON DELETE CASCADE,
  added_date timestamptz,
  removed_date timestamptz,
  sprint_outcome text CHECK (sprint_outcome IN ('completed', 'not_completed', 'punted', 'completed_another_sprint')),
  added_during_sprint boolean,
  committed boolean,
  estimate_at_start double precision,
  estimate_at_end double precision,
  carried_over_from_sprint_id bigint REFERENCES sprints(id) ON DELETE SET NULL,
  carried_over_to_sprint_id bigint REFERENCES sprints(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (work_item_id, sprint_id)
);
CREATE INDEX work_items_sprints_tenant_idx ON work_items_sprints (tenant_id);

CREATE TABLE repositories (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  node_id text,
  name text NOT NULL,
  full_name text NOT NULL,
  owner text,
  description text,
  language text,
  default_branch text,
  visibility text,
  is_private boolean,
  archived boolean,
  fork boolean,
  topics text[] NOT NULL DEFAULT '{}',
  stargazers_count int,
  forks_count int,
  open_issues_count int,
  repo_created_at timestamptz,
  repo_updated_at timestamptz,
  pushed_at timestamptz,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX repositories_tenant_idx ON repositories (tenant_id);

CREATE TABLE prs (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  repository_id bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  number int NOT NULL,
  title text,
  body text,
  author_id bigint REFERENCES identities(id) ON DELETE SET NULL,
  state text,
  source_branch text,
  target_branch text,
  pr_created_at timestamptz,
  pr_updated_at timestamptz,
  closed_at timestamptz,
  merged_at timestamptz,
  commit_count int,
  additions int,
  deletions int,
  changed_files int,
  first_review_at timestamptz,
  review_cycles int,
  rework_commit_count int,
  discussion_comment_count int,
  review_comment_count int,
  reviewer_count int,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX prs_tenant_idx ON prs (tenant_id);
CREATE INDEX prs_repo_number_idx ON prs (repository_id, number);

CREATE TABLE prs_commits (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  pr_id bigint NOT NULL REFERENCES prs(id) ON DELETE CASCADE,
  -- commit SHA; one commit can belong to several PRs, so the key includes the PR
  external_id text NOT NULL,
  author_name text,
  author_email text,
  author_id bigint REFERENCES identities(id) ON DELETE SET NULL,
  committer_name text,
  committer_email text,
  message text,
  authored_at timestamptz,
  committed_at timestamptz,
  additions int,
  deletions int,
  changed_files int,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, pr_id, external_id)
);
CREATE INDEX prs_commits_tenant_idx ON prs_commits (tenant_id);

CREATE TABLE prs_reviews (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  pr_id bigint NOT NULL REFERENCES prs(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  author_id bigint REFERENCES identities(id) ON DELETE SET NULL,
  state text,
  body text,
  submitted_at timestamptz,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX prs_reviews_tenant_idx ON prs_reviews (tenant_id);

CREATE TABLE prs_comments (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  pr_id bigint NOT NULL REFERENCES prs(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  author_id bigint REFERENCES identities(id) ON DELETE SET NULL,
  comment_type text NOT NULL CHECK (comment_type IN ('discussion', 'review', 'review_thread')),
  body text,
  path text,
  line int,
  source_created_at timestamptz,
  source_updated_at timestamptz,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX prs_comments_tenant_idx ON prs_comments (tenant_id);

-- issue ↔ PR links (from Jira development status); joined to prs by repository + number
CREATE TABLE work_items_prs_links (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  work_item_id bigint NOT NULL REFERENCES work_items(id) ON DELETE CASCADE,
  external_repo_id text NOT NULL,
  repo_full_name text,
  pr_number int NOT NULL,
  pr_url text,
  branch text,
  commit_sha text,
  status text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, work_item_id, external_repo_id, pr_number)
);
CREATE INDEX work_items_prs_links_tenant_idx ON work_items_prs_links (tenant_id);

-- bridge between a vectorised row and its vector point (Qdrant or pgvector)
CREATE TABLE qdrant_vectors (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int REFERENCES integrations(id) ON DELETE CASCADE,
  table_name text NOT NULL,
  record_id bigint NOT NULL,
  collection text NOT NULL,
  point_id uuid NOT NULL UNIQUE,
  vector_type text NOT NULL DEFAULT 'content',
  content_hash text,
  embedder text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, table_name, record_id, vector_type)
);
CREATE INDEX qdrant_vectors_tenant_idx ON qdrant_vectors (tenant_id);
