// Full walks: what the current walk listed is recorded (cleared when a walk starts), so the identity-links step (after every page loaded) can
// retire people, groups and memberships the directory no longer lists — deletions that happened while the delta
// link was expired are never announced as @removed.
import type { Scope } from "../../common/db_util.ts";

export type WalkResource = "users" | "groups" | "members";

export async function markSeen(scope: Scope, resource: WalkResource, ids: string[]) {
  if (!ids.length) return;
  await scope.tx.query(
    `INSERT INTO directory_walk_seen (tenant_id, integration_id, resource, external_id)
     SELECT $1, $2, $3, id FROM unnest($4::text[]) AS id ORDER BY id
     ON CONFLICT DO NOTHING`,
    [scope.tenantId, scope.integrationId, resource, [...new Set(ids)]],
  );
}

/** A walk of `resource` starts: forget what an earlier walk listed (groups also forget memberships). */
export async function startWalk(scope: Scope, resource: "users" | "groups"): Promise<void> {
  await scope.tx.query(
    "DELETE FROM directory_walk_seen WHERE tenant_id = $1 AND integration_id = $2 AND resource = ANY($3::text[])",
    [scope.tenantId, scope.integrationId, resource === "users" ? ["users"] : ["groups", "members"]],
  );
}

/** Retires what the run's walk of `resource` did not list; returns the rows changed. */
export async function sweepUnseen(scope: Scope, resource: "users" | "groups"): Promise<number> {
  const args = [scope.tenantId, scope.integrationId];
  const unseen = (table: string, kind: string) =>
    `UPDATE ${table} t SET active = false, removed_reason = 'missing', updated_at = now()
      WHERE t.tenant_id = $1 AND t.integration_id = $2 AND t.active
        AND NOT EXISTS (SELECT 1 FROM directory_walk_seen s WHERE s.tenant_id = $1 AND s.integration_id = $2
                          AND s.resource = '${kind}' AND s.external_id = t.external_id)
      RETURNING t.id`;
  if (resource === "users") return (await scope.tx.query(unseen("directory_people", "users"), args)).length;
  let n = (await scope.tx.query(unseen("directory_groups", "groups"), args)).length;
  n += (await scope.tx.query(
    `DELETE FROM directory_group_members m
      WHERE m.tenant_id = $1 AND m.integration_id = $2
        AND NOT EXISTS (SELECT 1 FROM directory_walk_seen s WHERE s.tenant_id = $1 AND s.integration_id = $2
                          AND s.resource = 'members'
                          AND s.external_id = m.group_external_id || '|' || m.member_external_id)
      RETURNING 1`,
    args,
  )).length;
  return n;
}
