-- GitHub connector (engine/connectors/github). The pull request fields the core schema lacks (draft, merged by,
-- labels, assignees, requested reviewers, URL), the derived figures per PR (time to first review, time to merge,
-- size; review rounds live in review_cycles), the commit a review was made on, review-thread membership of
-- comments, the access paths of the PR and link steps, the source's last reported rate budget, and the third step
-- (Jira links) for tenants seeded before it existed.
ALTER TABLE prs
  ADD COLUMN url text,
  ADD COLUMN is_draft boolean,
  ADD COLUMN merged_by_id bigint REFERENCES identities(id) ON DELETE SET NULL,
  ADD COLUMN labels text[] NOT NULL DEFAULT '{}',
  ADD COLUMN assignees text[] NOT NULL DEFAULT '{}',
  ADD COLUMN requested_reviewers text[] NOT NULL DEFAULT '{}',
  ADD COLUMN time_to_first_review_seconds double precision,
  ADD COLUMN time_to_merge_seconds double precision,
  ADD COLUMN size int,
  -- Jira keys named in the title, body, head branch or commit messages (derived; the link step joins them)
  ADD COLUMN jira_keys text[] NOT NULL DEFAULT '{}';
CREATE INDEX prs_updated_idx ON prs (tenant_id, integration_id, pr_updated_at);
CREATE INDEX prs_jira_keys_idx ON prs USING gin (jira_keys);
CREATE INDEX work_items_tenant_key_idx ON work_items (tenant_id, key);

ALTER TABLE prs_reviews ADD COLUMN commit_oid text;
ALTER TABLE prs_comments ADD COLUMN thread_id text;

-- derived figures and reconciliation read a PR's rows by pr_id
CREATE INDEX prs_commits_pr_idx ON prs_commits (pr_id);
CREATE INDEX prs_reviews_pr_idx ON prs_reviews (pr_id);
CREATE INDEX prs_comments_pr_idx ON prs_comments (pr_id, thread_id);
-- links are joined to prs by repository + number
CREATE INDEX work_items_prs_links_pr_idx ON work_items_prs_links (tenant_id, external_repo_id, pr_number);

-- The budget a source last reported per resource (GitHub: core, graphql, search), for the job details. A NULL
-- limit with unlimited = true is an Enterprise Server with rate limiting switched off.
CREATE TABLE source_rate_limits (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  resource text NOT NULL,
  unlimited boolean NOT NULL DEFAULT false,
  limit_total int,
  remaining int,
  reset_at timestamptz,
  last_cost int,
  observed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (integration_id, resource)
);
CREATE INDEX source_rate_limits_tenant_idx ON source_rate_limits (tenant_id);

UPDATE etl_jobs
   SET steps = steps || '[{"key": "github_pr_links", "name": "Jira Links", "order": 3}]'::jsonb,
       step_states = step_states || '{"github_pr_links": {"extract": "idle", "transform": "idle", "embed": "idle"}}'::jsonb
 WHERE job_type = 'github' AND NOT steps @> '[{"key": "github_pr_links"}]'::jsonb;
