// Shared setup for the Jira connector tests: a tenant with the seeded vocabulary, its Jira integration pointed at
// a fake Jira, the mapping an operator would add for the recorded (partly Chinese) workflow, and a custom-field
// mapping for sprints, story points, development and team.
import type { Db } from "../../db/port.ts";
import { insertMany } from "../../db/port.ts";
import { createTenant } from "../../db/seed.ts";
import { type FakeJira, type FakeJiraOptions, startFakeJira } from "../fakes/jira/mod.ts";
import { type AdapterKind, adapterKinds, withTestDb } from "../support/db.ts";
import type { TestApp } from "../support/app.ts";
import { assertEquals } from "../support/assert.ts";
import { setLogLevel } from "../../lib/log.ts";

export interface JiraEnv {
  db: Db;
  jira: FakeJira;
  tenantId: number;
  integrationId: number;
  credentials: unknown;
}

/** HTTP options for connector tests: no pacing and quick retries (the fake answers instantly). */
export const FAST_HTTP = { pacer: false as const, backoffBaseMs: 1, backoffMaxMs: 5, maxWaitMs: 5_000 };

/** Status names of the recorded merico workflow the seed does not know, mapped the way an operator would. */
export const RECORDED_STATUS_MAPPINGS: Array<[string, string]> = [
  ["已完成", "Done"],
  ["Inbox", "Backlog"],
  ["Ready for Dev", "Ready to Work"],
];

export async function addStatusMappings(
  db: Db,
  tenantId: number,
  integrationId: number,
  pairs: Array<[string, string]>,
) {
  const steps = new Map(
    (await db.query<{ id: number; step_name: string; step_category: string }>(
      "SELECT id, step_name, step_category FROM workflows WHERE tenant_id = $1 AND integration_id = $2",
      [tenantId, integrationId],
    )).map((r) => [r.step_name, r]),
  );
  await insertMany(
    db,
    "statuses_mappings",
    pairs.map(([from, step]) => ({
      tenant_id: tenantId,
      integration_id: integrationId,
      status_from: from,
      status_to: step,
      status_category: steps.get(step)!.step_category,
      workflow_id: steps.get(step)!.id,
    })),
  );
}

/** Catalogue rows + mapping for the special fields (ids as the fake serves them). */
export async function mapCustomFields(
  db: Db,
  tenantId: number,
  integrationId: number,
  slots: { sprints?: string; storyPoints?: string; development?: string; team?: string; generic?: string[] },
) {
  const ids = [slots.sprints, slots.storyPoints, slots.development, slots.team, ...(slots.generic ?? [])]
    .filter((x): x is string => !!x);
  const rows = await insertMany<{ id: number; external_id: string }>(
    db,
    "custom_fields",
    [...new Set(ids)].map((id) => ({ tenant_id: tenantId, integration_id: integrationId, external_id: id, name: id })),
    {
      onConflict: "ON CONFLICT (tenant_id, integration_id, external_id) DO UPDATE SET name = EXCLUDED.name",
      returning: "id, external_id",
    },
  );
  const idOf = (ext?: string) => (ext ? rows.find((r) => r.external_id === ext)!.id : null);
  const mapping: Record<string, unknown> = {
    tenant_id: tenantId,
    integration_id: integrationId,
    sprints_field_id: idOf(slots.sprints),
    story_points_field_id: idOf(slots.storyPoints),
    development_field_id: idOf(slots.development),
    team_field_id: idOf(slots.team),
  };
  (slots.generic ?? []).forEach((ext, i) => mapping[`custom_field_${String(i + 1).padStart(2, "0")}_id`] = idOf(ext));
  await insertMany(db, "custom_fields_mappings", [mapping], {
    onConflict: `ON CONFLICT (tenant_id, integration_id) DO UPDATE SET ${
      Object.keys(mapping).filter((k) => k.endsWith("_id") && k !== "tenant_id" && k !== "integration_id")
        .map((k) => `${k} = EXCLUDED.${k}`).join(", ")
    }`,
  });
}

export interface EnvOptions {
  fake?: FakeJiraOptions;
  projectKeys?: string[];
  settings?: Record<string, unknown>;
  /** Map the recorded workflow's unknown statuses (default true). */
  recordedMappings?: boolean;
}

/** Runs fn with a fresh database, a fake Jira and a configured Jira integration; cleans everything up. */
export async function withJira(kind: AdapterKind, options: EnvOptions, fn: (env: JiraEnv) => Promise<void>) {
  setLogLevel("error");
  const jira = await startFakeJira(options.fake ?? {});
  try {
    await withTestDb(kind, async (db) => {
      const tenantId = await createTenant(db, "Acme");
      const [{ id: integrationId }] = await db.query<{ id: number }>(
        "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
        [tenantId],
      );
      const settings = { projectKeys: options.projectKeys ?? ["EE", "K5"], timeZone: undefined, ...options.settings };
      await db.query(
        "UPDATE integrations SET base_url = $3, settings = $4::jsonb, active = true WHERE tenant_id = $1 AND id = $2",
        [
          tenantId,
          integrationId,
          jira.url,
          JSON.stringify(settings),
        ],
      );
      if (options.recordedMappings !== false) {
        await addStatusMappings(db, tenantId, integrationId, RECORDED_STATUS_MAPPINGS);
      }
      await fn({ db, jira, tenantId, integrationId, credentials: jira.basicAuth });
    });
    assertEquals(jira.internalErrors, []);
  } finally {
    await jira.close();
  }
}

export function kinds(): AdapterKind[] {
  return adapterKinds();
}

/** Rows of one table for the tenant, ordered, for before/after comparisons. */
export async function snapshot(db: Db, table: string, order = "id") {
  return await db.query(`SELECT * FROM ${table} ORDER BY ${order}`);
}

/** API tests: tenant "Acme" with a viewer, a user of another tenant, and Acme's Jira integration on the fake. */
export async function jiraApiTenant(app: TestApp, jira: FakeJira, projectKeys = ["EE", "K5"]) {
  const tenantId = await app.tenant("Acme");
  const other = await app.tenant("Other");
  const viewer = await app.login((await app.user(tenantId, "viewer")).email);
  const outsider = await app.login((await app.user(other, "viewer")).email);
  const [{ id: integrationId }] = await app.db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
    [tenantId],
  );
  await app.db.query("UPDATE integrations SET base_url = $2, settings = $3::jsonb WHERE id = $1", [
    integrationId,
    jira.url,
    JSON.stringify({ projectKeys }),
  ]);
  return { tenantId, viewer, outsider, integrationId };
}
