// Graph users → directory_people. Removals (@removed: "changed" = soft-deleted, "deleted" = gone) deactivate the
// row and keep the reason; a user seen again is active again. A round may repeat an object (replays, several
// appearances): the last one in the page wins and unchanged rows are not written. The manager is a relationship:
// it comes as manager@delta only when it is selected and changed, so rows without it keep the stored manager.
import { dedupeBy, type Scope, scoped, upsertChanged, type UpsertSpec } from "../../common/db_util.ts";
import type { GraphRef, GraphUser } from "../client/graph.ts";
import { markSeen } from "./walk.ts";

const BASE = [
  "display_name",
  "mail",
  "user_principal_name",
  "job_title",
  "department",
  "account_enabled",
  "active",
  "removed_reason",
];

function spec(withManager: boolean): UpsertSpec {
  const update = withManager ? [...BASE, "manager_external_id"] : BASE;
  return {
    table: "directory_people",
    columns: ["tenant_id", "integration_id", "external_id", ...update],
    key: ["tenant_id", "integration_id", "external_id"],
    update,
  };
}

/** The manager a manager@delta array leaves (null when it was removed); undefined when the array is absent. */
export function managerOf(refs: GraphRef[] | undefined): string | null | undefined {
  if (!Array.isArray(refs)) return undefined;
  const current = refs.filter((r) => !r["@removed"]);
  return current.length ? current[current.length - 1].id : null;
}

function text(v: string | null | undefined): string | null {
  const t = typeof v === "string" ? v.trim() : "";
  return t ? t : null;
}

export async function loadPeople(
  scope: Scope,
  users: GraphUser[],
  walk: boolean,
): Promise<{ rows: number }> {
  const latest = dedupeBy(users.filter((u) => typeof u?.id === "string" && u.id), (u) => u.id)
    .sort((a, b) => a.id.localeCompare(b.id));
  const removed = latest.filter((u) => u["@removed"]);
  const present = latest.filter((u) => !u["@removed"]);
  let rows = 0;
  for (const withManager of [true, false]) {
    const batch = present.filter((u) => (managerOf(u["manager@delta"]) !== undefined) === withManager);
    const built = batch.map((u) =>
      scoped(scope, {
        external_id: u.id,
        display_name: text(u.displayName),
        mail: text(u.mail),
        user_principal_name: text(u.userPrincipalName),
        job_title: text(u.jobTitle),
        department: text(u.department),
        account_enabled: typeof u.accountEnabled === "boolean" ? u.accountEnabled : null,
        active: true,
        removed_reason: null,
        ...(withManager ? { manager_external_id: managerOf(u["manager@delta"]) } : {}),
      })
    );
    rows += (await upsertChanged(scope.tx, spec(withManager), built)).length;
  }
  if (removed.length) {
    const changed = await scope.tx.query(
      `UPDATE directory_people p SET active = false, removed_reason = r.reason, updated_at = now()
         FROM jsonb_to_recordset($3::jsonb) AS r(id text, reason text)
        WHERE p.tenant_id = $1 AND p.integration_id = $2 AND p.external_id = r.id
          AND (p.active OR p.removed_reason IS DISTINCT FROM r.reason)
        RETURNING p.id`,
      [
        scope.tenantId,
        scope.integrationId,
        JSON.stringify(removed.map((u) => ({ id: u.id, reason: u["@removed"]?.reason ?? "deleted" }))),
      ],
    );
    rows += changed.length;
  }
  if (walk) await markSeen(scope, "users", present.map((u) => u.id));
  return { rows };
}
