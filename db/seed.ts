// Seeds a tenant with the default vocabulary, integrations (inactive, no credentials) and jobs. Idempotent:
// every insert is keyed on a natural key with ON CONFLICT DO NOTHING, so running it twice changes nothing.
import { insertMany, type Queryable } from "./port.ts";
import { INTEGRATIONS, JOBS, RETRY_MINUTES } from "./seed_data.ts";
import { DEFAULT_VOCABULARY, writeVocabulary } from "./vocabulary/vocabulary.ts";

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

  await writeVocabulary(db, tenantId, jira, DEFAULT_VOCABULARY);

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
