-- Microsoft Entra ID (the AD job): directory people and groups of an integration, group memberships, the links
-- from people to their Jira/GitHub identities (automatic by e-mail/UPN, or set by an admin), and the delta-query
-- state. The job gets three steps: users, groups with members, then identity links (which also commits the delta
-- links the run read up to, so a run that fails before the end re-reads from the previous ones: replays are
-- idempotent, lost changes are not).
CREATE TABLE directory_people (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  display_name text,
  mail text,
  user_principal_name text,
  job_title text,
  department text,
  manager_external_id text,
  account_enabled boolean,
  active boolean NOT NULL DEFAULT true,
  -- Graph's @removed reason: 'changed' (soft-deleted, restorable) or 'deleted'; 'missing' when a full walk no
  -- longer lists it
  removed_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);
CREATE INDEX directory_people_mail_idx ON directory_people (tenant_id, lower(mail));
CREATE INDEX directory_people_upn_idx ON directory_people (tenant_id, lower(user_principal_name));

CREATE TABLE directory_groups (
  id bigserial PRIMARY KEY,
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  display_name text,
  mail text,
  description text,
  active boolean NOT NULL DEFAULT true,
  removed_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, integration_id, external_id)
);

-- members by Graph id (a member can be a user, a group, a device or a service principal)
CREATE TABLE directory_group_members (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  group_external_id text NOT NULL,
  member_external_id text NOT NULL,
  member_type text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, integration_id, group_external_id, member_external_id)
);

-- One row per Jira/GitHub identity that is linked (person_id set) or that an admin marked as "no directory
-- person" (manual, person_id NULL). Manual rows are never replaced by automatic matching.
CREATE TABLE directory_identity_links (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  identity_id bigint NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
  person_id bigint REFERENCES directory_people(id) ON DELETE CASCADE,
  method text NOT NULL CHECK (method IN ('mail', 'upn', 'manual')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, identity_id)
);
CREATE INDEX directory_identity_links_person_idx ON directory_identity_links (person_id);

-- Delta state per resource ('users', 'groups'): the delta link the last complete run ended with, the one the
-- current run reached (committed by its last step), and why the last full walk happened.
CREATE TABLE directory_delta_state (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  resource text NOT NULL CHECK (resource IN ('users', 'groups')),
  delta_link text,
  pending_link text,
  pending_full_walk boolean NOT NULL DEFAULT false,
  full_walk_reason text,
  full_walk_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, integration_id, resource)
);

-- What the current full walk listed (cleared when a walk starts), so the last step can retire what is no longer
-- listed. One run per job at a time, so one walk per integration and resource.
CREATE TABLE directory_walk_seen (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  integration_id int NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  resource text NOT NULL,
  external_id text NOT NULL,
  PRIMARY KEY (tenant_id, integration_id, resource, external_id)
);

UPDATE etl_jobs
   SET steps = '[{"key": "ad_users", "name": "AD Users", "order": 1},
                 {"key": "ad_groups", "name": "Groups & Members", "order": 2},
                 {"key": "ad_links", "name": "Identity Links", "order": 3}]'::jsonb,
       step_states = step_states
         || '{"ad_groups": {"extract": "idle", "transform": "idle", "embed": "idle"},
              "ad_links": {"extract": "idle", "transform": "idle", "embed": "idle"}}'::jsonb
 WHERE job_type = 'ad' AND NOT steps @> '[{"key": "ad_links"}]'::jsonb;
