// Seeds a tenant with the default vocabulary, integrations (inactive, no credentials) and jobs. Idempotent:
// every insert is keyed on a natural key with ON CONFLICT DO NOTHING, so running it twice changes nothing.
import { insertMany, type Queryable } from "./port.ts";
import { HIERARCHY, INTEGRATIONS, JOBS, RETRY_MINUTES, STATUS_MAPPINGS, WIT_MAPPINGS, WORKFLOW } from "./seed_data.ts";

export async function createTenant(db: Queryable, name: string): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO tenants (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [name],
  );
  await seedTenant(db, row.id);
  return row.id;
}

export async function seedTenant(db: Queryable, tenantId: number, now = new Date()): Promise<void> {
  await insertMany(
    db,
    "integrations",
    INTEGRATIONS.map((i) => ({
      tenant_id: tenantId,
      provider: i.provider,
      name: i.name,
      type: "data",
      base_url: i.base_url,
      settings: i.settings,
      logo_filename: i.logo,
      active: false,
    })),
    { onConflict: "ON CONFLICT (tenant_id, name) DO NOTHING" },
  );
  const integrations = await db.query<{ id: number; provider: string }>(
    "SELECT id, provider FROM integrations WHERE tenant_id = $1",
    [tenantId],
  );
  const byProvider = new Map(integrations.map((i) => [i.provider, i.id]));
  const jira = byProvider.get("jira")!;

  await insertMany(
    db,
    "wits_hierarchies",
    HIERARCHY.map(([level, name, description]) => ({
      tenant_id: tenantId,
      integration_id: jira,
      level_number: level,
      level_name: name,
      description,
    })),
    { onConflict: "ON CONFLICT DO NOTHING" },
  );
  const levels = new Map(
    (await db.query<{ id: number; level_number: number }>(
      "SELECT id, level_number FROM wits_hierarchies WHERE tenant_id = $1 AND integration_id = $2",
      [tenantId, jira],
    )).map((r) => [r.level_number, r.id]),
  );
  await insertMany(
    db,
    "wits_mappings",
    WIT_MAPPINGS.flatMap(([to, level, froms]) =>
      froms.map((from) => ({
        tenant_id: tenantId,
        integration_id: jira,
        wit_from: from,
        wit_to: to,
        wits_hierarchy_id: levels.get(level),
      }))
    ),
    { onConflict: "ON CONFLICT DO NOTHING" },
  );

  await insertMany(
    db,
    "workflows",
    WORKFLOW.map(([number, name, category, commitment]) => ({
      tenant_id: tenantId,
      integration_id: jira,
      step_number: number,
      step_name: name,
      step_category: category,
      is_commitment_point: commitment,
    })),
    { onConflict: "ON CONFLICT DO NOTHING" },
  );
  const steps = new Map(
    (await db.query<{ id: number; step_name: string; step_category: string }>(
      "SELECT id, step_name, step_category FROM workflows WHERE tenant_id = $1 AND integration_id = $2",
      [tenantId, jira],
    )).map((r) => [r.step_name, r]),
  );
  await insertMany(
    db,
    "statuses_mappings",
    Object.entries(STATUS_MAPPINGS).flatMap(([step, froms]) =>
      froms.map((from) => ({
        tenant_id: tenantId,
        integration_id: jira,
        status_from: from,
        status_to: step,
        status_category: steps.get(step)!.step_category,
        workflow_id: steps.get(step)!.id,
      }))
    ),
    { onConflict: "ON CONFLICT DO NOTHING" },
  );

  const firstRun = new Date(now.getTime() + 60 * 60_000);
  await insertMany(
    db,
    "etl_jobs",
    JOBS.map((j) => ({
      tenant_id: tenantId,
      integration_id: byProvider.get(j.provider),
      name: j.name,
      job_type: j.provider,
      active: j.active,
      status: "READY",
      steps: j.steps,
      step_states: Object.fromEntries(
        j.steps.map((s) => [s.key, { extract: "idle", transform: "idle", embed: "idle" }]),
      ),
      schedule_interval_minutes: j.schedule,
      retry_interval_minutes: RETRY_MINUTES,
      next_run_at: firstRun.toISOString(),
    })),
    { onConflict: "ON CONFLICT (tenant_id, name) DO NOTHING" },
  );
}
