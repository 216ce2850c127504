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

interface MappingKind {
  table: "statuses_mappings" | "wits_mappings";
  from: "status_from" | "wit_from";
  /** Upserts the names ($3) onto the target ($4), copying the target's name (and category or level). */
  upsert: string;
  resolve: (scope: MappingScope) => Promise<number>;
  sources: "statuses" | "wits";
}

const STATUS_MAPPINGS: MappingKind = {
  table: "statuses_mappings",
  from: "status_from",
  upsert:
    `INSERT INTO statuses_mappings (tenant_id, integration_id, status_from, status_to, status_category, workflow_id)
    SELECT $1, $2, n, w.step_name, w.step_category, w.id FROM unnest($3::text[]) n
      JOIN workflows w ON w.tenant_id = $1 AND w.integration_id = $2 AND w.id = $4
    ON CONFLICT (tenant_id, integration_id, lower(status_from)) DO UPDATE
      SET status_to = EXCLUDED.status_to, status_category = EXCLUDED.status_category,
          workflow_id = EXCLUDED.workflow_id, active = true, updated_at = now()`,
  resolve: resolveStatusMappings,
  sources: "statuses",
};

const WIT_MAPPINGS: MappingKind = {
  table: "wits_mappings",
  from: "wit_from",
  upsert: `INSERT INTO wits_mappings (tenant_id, integration_id, wit_from, wit_to, wit_type_id, wits_hierarchy_id)
    SELECT $1, $2, n, t.name, t.id, t.wits_hierarchy_id FROM unnest($3::text[]) n
      JOIN wit_types t ON t.tenant_id = $1 AND t.integration_id = $2 AND t.id = $4
    ON CONFLICT (tenant_id, integration_id, lower(wit_from)) DO UPDATE
      SET wit_to = EXCLUDED.wit_to, wit_type_id = EXCLUDED.wit_type_id,
          wits_hierarchy_id = EXCLUDED.wits_hierarchy_id, active = true, updated_at = now()`,
  resolve: resolveWitMappings,
  sources: "wits",
};

/** Maps the names onto the target (or unmaps them); returns how many source rows carry one of the names. */
async function saveMappings(kind: MappingKind, scope: MappingScope, names: readonly string[], target: number | null) {
  const { tx, tenantId, integrationId } = scope;
  const list = [...new Map(names.map((n) => [n.toLowerCase(), n])).values()];
  const lower = list.map((n) => n.toLowerCase());
  if (target === null) {
    await tx.query(
      `DELETE FROM ${kind.table} WHERE tenant_id = $1 AND integration_id = $2 AND lower(${kind.from}) = ANY($3::text[])`,
      [tenantId, integrationId, lower],
    );
  } else {
    await tx.query(kind.upsert, [tenantId, integrationId, list, target]);
  }
  await kind.resolve(scope);
  const [{ n }] = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${kind.sources} WHERE tenant_id = $1 AND integration_id = $2
        AND lower(original_name) = ANY($3::text[])`,
    [tenantId, integrationId, lower],
  );
  return n;
}

/** Status names → a workflow step of the integration (null: unmapped). */
export function saveStatusMappings(scope: MappingScope, names: readonly string[], workflowId: number | null) {
  return saveMappings(STATUS_MAPPINGS, scope, names, workflowId);
}

/** Source type names → a normalized type of the integration (null: unmapped). */
export function saveWitMappings(scope: MappingScope, names: readonly string[], witTypeId: number | null) {
  return saveMappings(WIT_MAPPINGS, scope, names, witTypeId);
}
