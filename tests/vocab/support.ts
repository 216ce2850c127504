// Vocabulary API tests: a tenant's Jira integration with source types and statuses as a sync stores them, and
// work items in them, written straight into the tables (the sync itself is covered by tests/jira).
import type { Db } from "../../db/port.ts";
import { insertMany } from "../../db/port.ts";
import type { Connector } from "../../engine/connector.ts";
import { runSync } from "../jira/driver.ts";
import { METRIC_COLUMNS } from "../../engine/connectors/jira/derived/flow_metrics.ts";

export async function jiraIntegrationOf(db: Db, tenantId: number): Promise<number> {
  const [{ id }] = await db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
    [tenantId],
  );
  return id;
}

/** Source statuses and types by name, and `items` work items per [type, status] pair; returns ids by name. */
export async function addSourceRows(
  db: Db,
  scope: { tenantId: number; integrationId: number },
  input: { statuses: Array<[string, string]>; types: string[]; items: Array<[string, string, number]> },
) {
  const base = { tenant_id: scope.tenantId, integration_id: scope.integrationId };
  const statuses = await insertMany<{ id: number; original_name: string }>(
    db,
    "statuses",
    input.statuses.map(([name, category], i) => ({ ...base, external_id: `s${i}`, original_name: name, category })),
    { returning: "id, original_name" },
  );
  const types = await insertMany<{ id: number; original_name: string }>(
    db,
    "wits",
    input.types.map((name, i) => ({ ...base, external_id: `t${i}`, original_name: name, hierarchy_level: 0 })),
    { returning: "id, original_name" },
  );
  const status = new Map(statuses.map((s) => [s.original_name, s.id]));
  const type = new Map(types.map((t) => [t.original_name, t.id]));
  let n = 0;
  await insertMany(
    db,
    "work_items",
    input.items.flatMap(([t, s, count]) =>
      Array.from({ length: count }, () => ({
        ...base,
        external_id: `i${++n}`,
        key: `K-${n}`,
        wit_id: type.get(t),
        status_id: status.get(s),
      }))
    ),
  );
  // mappings resolve by name, as the sync does after it stores them
  await db.query(
    `UPDATE statuses s SET status_mapping_id = m.id FROM statuses_mappings m
      WHERE m.tenant_id = s.tenant_id AND m.integration_id = s.integration_id AND lower(m.status_from) = lower(s.original_name)
        AND s.integration_id = $1`,
    [scope.integrationId],
  );
  await db.query(
    `UPDATE wits w SET wits_mapping_id = m.id FROM wits_mappings m
      WHERE m.tenant_id = w.tenant_id AND m.integration_id = w.integration_id AND lower(m.wit_from) = lower(w.original_name)
        AND w.integration_id = $1`,
    [scope.integrationId],
  );
  return { status, type };
}

/** The tenant's Jira integration pointed at the fake Jira (projects EE and K5) and synced once (recorded pages). */
export async function syncRecordedJira(
  db: Db,
  tenantId: number,
  jira: { url: string; basicAuth: { kind: "basic"; email: string; token: string } },
  connector: Connector,
): Promise<number> {
  const integrationId = await jiraIntegrationOf(db, tenantId);
  await db.query("UPDATE integrations SET base_url = $2, settings = $3::jsonb WHERE id = $1", [
    integrationId,
    jira.url,
    JSON.stringify({ projectKeys: ["EE", "K5"] }),
  ]);
  await runSync({ db, connector, tenantId, integrationId, credentials: jira.basicAuth });
  return integrationId;
}

/** key → metric column → value as text, for every work item of the integration. */
export async function metrics(db: Db, integrationId: number) {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT key, ${METRIC_COLUMNS.map((c) => `${c}::text AS ${c}`).join(", ")}
       FROM work_items WHERE integration_id = $1`,
    [integrationId],
  );
  return new Map(rows.map((r) => [r.key as string, r]));
}

/** Work items and metric values that differ between two `metrics` snapshots. */
export function metricDiff(before: Map<string, Record<string, unknown>>, after: Map<string, Record<string, unknown>>) {
  let items = 0;
  let values = 0;
  for (const [key, row] of after) {
    const old = before.get(key)!;
    const changed = METRIC_COLUMNS.filter((c) => old[c] !== row[c]);
    if (changed.length) items++;
    values += changed.length;
  }
  return [items, values];
}
