// Writing source-name mappings, one or many at once: source type names → a normalized work item type, source status
// names → a workflow step (null removes the mapping: the names become unmapped). Names match case-insensitively
// (the unique keys are on lower(name)). The source rows' mapping ids are re-resolved in the same transaction, so
// readers see the new vocabulary at once; flow metrics follow with a re-transform.
import type { Queryable } from "../port.ts";
import { resolveStatusMappings, resolveWitMappings } from "../../engine/connectors/jira/load/references.ts";

export interface MappingScope {
  tx: Queryable;
  tenantId: number;
  integrationId: number;
}

const uniqueNames = (names: readonly string[]) => [...new Map(names.map((n) => [n.toLowerCase(), n])).values()];

/** Maps status names to a workflow step of the integration (or unmaps them); returns how many source statuses have the names. */
export async function saveStatusMappings(scope: MappingScope, names: readonly string[], workflowId: number | null) {
  const { tx, tenantId, integrationId } = scope;
  const list = uniqueNames(names);
  if (workflowId === null) {
    await tx.query(
      `DELETE FROM statuses_mappings WHERE tenant_id = $1 AND integration_id = $2 AND lower(status_from) = ANY($3::text[])`,
      [tenantId, integrationId, list.map((n) => n.toLowerCase())],
    );
  } else {
    await tx.query(
      `INSERT INTO statuses_mappings (tenant_id, integration_id, status_from, status_to, status_category, workflow_id)
       SELECT $1, $2, n, w.step_name, w.step_category, w.id FROM unnest($3::text[]) n
         JOIN workflows w ON w.tenant_id = $1 AND w.integration_id = $2 AND w.id = $4
       ON CONFLICT (tenant_id, integration_id, lower(status_from)) DO UPDATE
         SET status_to = EXCLUDED.status_to, status_category = EXCLUDED.status_category,
             workflow_id = EXCLUDED.workflow_id, active = true, updated_at = now()`,
      [tenantId, integrationId, list, workflowId],
    );
  }
  await resolveStatusMappings(scope);
  return await sourcesNamed(scope, "statuses", list);
}

/** Maps source type names to a normalized type of the integration (or unmaps them); returns how many source types have the names. */
export async function saveWitMappings(scope: MappingScope, names: readonly string[], witTypeId: number | null) {
  const { tx, tenantId, integrationId } = scope;
  const list = uniqueNames(names);
  if (witTypeId === null) {
    await tx.query(
      `DELETE FROM wits_mappings WHERE tenant_id = $1 AND integration_id = $2 AND lower(wit_from) = ANY($3::text[])`,
      [tenantId, integrationId, list.map((n) => n.toLowerCase())],
    );
  } else {
    await tx.query(
      `INSERT INTO wits_mappings (tenant_id, integration_id, wit_from, wit_to, wit_type_id, wits_hierarchy_id)
       SELECT $1, $2, n, t.name, t.id, t.wits_hierarchy_id FROM unnest($3::text[]) n
         JOIN wit_types t ON t.tenant_id = $1 AND t.integration_id = $2 AND t.id = $4
       ON CONFLICT (tenant_id, integration_id, lower(wit_from)) DO UPDATE
         SET wit_to = EXCLUDED.wit_to, wit_type_id = EXCLUDED.wit_type_id,
             wits_hierarchy_id = EXCLUDED.wits_hierarchy_id, active = true, updated_at = now()`,
      [tenantId, integrationId, list, witTypeId],
    );
  }
  await resolveWitMappings(scope);
  return await sourcesNamed(scope, "wits", list);
}

/** How many source rows (types or statuses the syncs found) carry one of the names. */
async function sourcesNamed(scope: MappingScope, table: "wits" | "statuses", names: string[]) {
  const [{ n }] = await scope.tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1 AND integration_id = $2
        AND lower(original_name) = ANY($3::text[])`,
    [scope.tenantId, scope.integrationId, names.map((name) => name.toLowerCase())],
  );
  return n;
}
