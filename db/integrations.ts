// SQL for the integrations aggregate. Read paths never select the encrypted credentials; they only report
// whether credentials are set.
import { ident, type Queryable } from "./port.ts";
import { DEFAULT_VOCABULARY, VOCABULARY_PROVIDERS, writeVocabulary } from "./vocabulary/vocabulary.ts";

/** The last connection test of the saved configuration. */
export interface ConnectionTestRecord {
  at: Date;
  ok: boolean;
  message: string;
  latencyMs: number | null;
}

export interface IntegrationView {
  id: number;
  provider: string;
  name: string;
  type: string;
  baseUrl: string | null;
  settings: Record<string, unknown>;
  logoFilename: string | null;
  /** An uploaded logo (integration_logos), served at /app/etl/logos/:id; wins over logoFilename. */
  logoId: number | null;
  active: boolean;
  hasCredentials: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastTest: ConnectionTestRecord | null;
  /** The jobs that read from this integration. */
  jobs: Array<{ id: number; name: string; active: boolean; status: string; lastSuccessAt: Date | null }>;
  /** The latest successful sync of any of its jobs. */
  lastSuccessAt: Date | null;
}

const VIEW_COLUMNS = `i.id, i.provider, i.name, i.type, i.base_url AS "baseUrl", i.settings,
  i.logo_filename AS "logoFilename", i.logo_id AS "logoId", i.active,
  i.credentials_enc IS NOT NULL AS "hasCredentials", i.created_at AS "createdAt", i.updated_at AS "updatedAt",
  CASE WHEN i.last_test_at IS NULL THEN NULL ELSE jsonb_build_object('at', i.last_test_at, 'ok', i.last_test_ok,
    'message', i.last_test_message, 'latencyMs', i.last_test_latency_ms) END AS "lastTest",
  COALESCE((SELECT jsonb_agg(jsonb_build_object('id', j.id, 'name', j.name, 'active', j.active, 'status', j.status,
    'lastSuccessAt', j.last_success_at) ORDER BY j.name) FROM etl_jobs j WHERE j.integration_id = i.id), '[]'::jsonb)
    AS jobs,
  (SELECT max(j.last_success_at) FROM etl_jobs j WHERE j.integration_id = i.id) AS "lastSuccessAt"`;

function revive(row: IntegrationView): IntegrationView {
  if (row.lastTest) row.lastTest = { ...row.lastTest, at: new Date(row.lastTest.at) };
  row.jobs = row.jobs.map((j) => ({ ...j, lastSuccessAt: j.lastSuccessAt ? new Date(j.lastSuccessAt) : null }));
  return row;
}

export async function listIntegrations(db: Queryable, tenantId: number): Promise<IntegrationView[]> {
  return (await db.query<IntegrationView>(
    `SELECT ${VIEW_COLUMNS} FROM integrations i WHERE i.tenant_id = $1 ORDER BY lower(i.name), i.id`,
    [tenantId],
  )).map(revive);
}

export async function getIntegration(
  db: Queryable,
  tenantId: number,
  id: number,
): Promise<IntegrationView | undefined> {
  const [row] = await db.query<IntegrationView>(
    `SELECT ${VIEW_COLUMNS} FROM integrations i WHERE i.tenant_id = $1 AND i.id = $2`,
    [tenantId, id],
  );
  return row && revive(row);
}

/** Keeps the outcome of a connection test of the saved configuration. */
export async function recordConnectionTest(
  db: Queryable,
  tenantId: number,
  id: number,
  test: { ok: boolean; message: string; latencyMs: number | null },
): Promise<void> {
  await db.query(
    `UPDATE integrations SET last_test_at = now(), last_test_ok = $3, last_test_message = $4, last_test_latency_ms = $5
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, test.ok, test.message.slice(0, 1000), test.latencyMs],
  );
}

export async function setIntegrationCredentials(
  db: Queryable,
  tenantId: number,
  id: number,
  sealed: string | null,
): Promise<boolean> {
  const rows = await db.query(
    "UPDATE integrations SET credentials_enc = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING id",
    [tenantId, id, sealed],
  );
  return rows.length === 1;
}

/** Engine-side read of the sealed credentials (never exposed through the API). */
export async function getSealedCredentials(db: Queryable, tenantId: number, id: number): Promise<string | null> {
  const [row] = await db.query<{ credentials_enc: string | null }>(
    "SELECT credentials_enc FROM integrations WHERE tenant_id = $1 AND id = $2",
    [tenantId, id],
  );
  return row?.credentials_enc ?? null;
}

/** Stored settings and whether credentials exist (for validation of updates and activation). */
export async function getIntegrationConfig(
  db: Queryable,
  tenantId: number,
  id: number,
): Promise<
  | {
    provider: string;
    baseUrl: string | null;
    settings: Record<string, unknown>;
    active: boolean;
    hasCredentials: boolean;
  }
  | undefined
> {
  const [row] = await db.query<
    {
      provider: string;
      baseUrl: string | null;
      settings: Record<string, unknown>;
      active: boolean;
      hasCredentials: boolean;
    }
  >(
    `SELECT provider, base_url AS "baseUrl", settings, active, credentials_enc IS NOT NULL AS "hasCredentials"
       FROM integrations WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return row;
}

export interface NewIntegration {
  provider: string;
  name: string;
  baseUrl: string | null;
  settings: Record<string, unknown>;
  credentialsEnc: string | null;
  logoFilename: string | null;
  active: boolean;
}

/** An integration (other than exceptId) or, for a new one, a job already uses this name in the tenant. */
export async function integrationNameTaken(db: Queryable, tenantId: number, name: string, exceptId = 0) {
  const rows = await db.query(
    `SELECT 1 FROM integrations WHERE tenant_id = $1 AND lower(name) = lower($2) AND id <> $3
     UNION ALL
     SELECT 1 FROM etl_jobs WHERE tenant_id = $1 AND lower(name) = lower($2) AND $3 = 0`,
    [tenantId, name, exceptId],
  );
  return rows.length > 0;
}

/**
 * Creates an integration (with the default vocabulary where the provider has work items) and, for providers with
 * a connector, its job (inactive, steps as seeded) in the same
 * transaction, so every integration can be scheduled and the job card exists from the start.
 */
export async function createIntegration(
  db: Queryable,
  tenantId: number,
  input: NewIntegration,
  job?: { steps: unknown[]; scheduleMinutes: number; retryMinutes: number },
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO integrations (tenant_id, provider, name, type, base_url, credentials_enc, settings, logo_filename, active)
     VALUES ($1, $2, $3, 'data', $4, $5, $6::jsonb, $7, $8) RETURNING id`,
    [
      tenantId,
      input.provider,
      input.name,
      input.baseUrl,
      input.credentialsEnc,
      JSON.stringify(input.settings),
      input.logoFilename,
      input.active,
    ],
  );
  if (job) {
    await db.query(
      `INSERT INTO etl_jobs (tenant_id, integration_id, name, job_type, active, steps, step_states,
         schedule_interval_minutes, retry_interval_minutes)
       VALUES ($1, $2, $3, $4, false, $5::jsonb, $6::jsonb, $7, $8)`,
      [
        tenantId,
        row.id,
        input.name,
        input.provider,
        JSON.stringify(job.steps),
        JSON.stringify(Object.fromEntries(
          (job.steps as { key: string }[]).map((s) => [s.key, { extract: "idle", transform: "idle", embed: "idle" }]),
        )),
        job.scheduleMinutes,
        job.retryMinutes,
      ],
    );
  }
  // its own copy of the default vocabulary, so the first sync maps types and statuses like the seeded integration
  if (VOCABULARY_PROVIDERS.has(input.provider)) await writeVocabulary(db, tenantId, row.id, DEFAULT_VOCABULARY);
  return row.id;
}

export interface IntegrationPatch {
  name?: string;
  baseUrl?: string | null;
  settings?: Record<string, unknown>;
  credentialsEnc?: string;
  logoFilename?: string | null;
  active?: boolean;
}

export async function updateIntegration(db: Queryable, tenantId: number, id: number, patch: IntegrationPatch) {
  const sets: string[] = [];
  const params: unknown[] = [tenantId, id];
  const add = (column: string, value: unknown, cast = "") => {
    params.push(value);
    sets.push(`${column} = $${params.length}${cast}`);
  };
  if (patch.name !== undefined) add("name", patch.name);
  if (patch.baseUrl !== undefined) add("base_url", patch.baseUrl);
  if (patch.settings !== undefined) add("settings", JSON.stringify(patch.settings), "::jsonb");
  if (patch.credentialsEnc !== undefined) add("credentials_enc", patch.credentialsEnc);
  if (patch.logoFilename !== undefined) {
    add("logo_filename", patch.logoFilename);
    // picking a bundled logo replaces an uploaded one
    sets.push("logo_id = NULL");
  }
  if (patch.active !== undefined) add("active", patch.active);
  if (sets.length === 0) return true;
  const rows = await db.query(
    `UPDATE integrations SET ${sets.join(", ")}, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING id`,
    params,
  );
  return rows.length === 1;
}

export interface IntegrationJob {
  id: number;
  name: string;
  active: boolean;
  status: string;
}

export async function jobsOfIntegration(db: Queryable, tenantId: number, id: number): Promise<IntegrationJob[]> {
  return await db.query<IntegrationJob>(
    "SELECT id, name, active, status FROM etl_jobs WHERE tenant_id = $1 AND integration_id = $2 ORDER BY name",
    [tenantId, id],
  );
}

/**
 * Deletes the integration with its (inactive, idle) jobs; the caller has checked no job still uses it. Tables a
 * connector created for this integration alone go too: Fabric's fabric_<id>_<table> (their registry rows would
 * cascade, the tables themselves would stay behind, holding the tenant's data).
 */
export async function deleteIntegration(db: Queryable, tenantId: number, id: number): Promise<boolean> {
  const owned = await db.query<{ sql_table: string }>(
    "SELECT sql_table FROM fabric_tables WHERE tenant_id = $1 AND integration_id = $2",
    [tenantId, id],
  );
  for (const t of owned) await db.exec(`DROP TABLE IF EXISTS ${ident(t.sql_table)}`);
  await db.query("DELETE FROM etl_jobs WHERE tenant_id = $1 AND integration_id = $2", [tenantId, id]);
  const rows = await db.query("DELETE FROM integrations WHERE tenant_id = $1 AND id = $2 RETURNING id", [tenantId, id]);
  return rows.length === 1;
}
