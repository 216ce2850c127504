// Graph groups → directory_groups and directory_group_members. A large group's members arrive split over several
// pages: the same group repeats with another slice of members@delta (and possibly without its properties), so
// properties are written only from objects that carry them and memberships are added or removed one by one.
// A member with @removed is a membership removed or a member deleted; a removed group loses its memberships.
import { dedupeBy, type Scope, scoped, upsertChanged, type UpsertSpec } from "../../common/db_util.ts";
import type { GraphGroup } from "../client/graph.ts";
import { markSeen } from "./walk.ts";

const GROUPS: UpsertSpec = {
  table: "directory_groups",
  columns: [
    "tenant_id",
    "integration_id",
    "external_id",
    "display_name",
    "mail",
    "description",
    "active",
    "removed_reason",
  ],
  key: ["tenant_id", "integration_id", "external_id"],
  update: ["display_name", "mail", "description", "active", "removed_reason"],
};
/** A group seen only through a member slice: created if unknown, never overwriting stored properties. */
const GROUP_STUBS: UpsertSpec = { ...GROUPS, columns: ["tenant_id", "integration_id", "external_id"], update: [] };

const PROPERTIES = ["displayName", "mail", "description"] as const;

function memberType(odataType: string | undefined): string {
  return (odataType ?? "#microsoft.graph.directoryObject").replace(/^#microsoft\.graph\./, "");
}

export async function loadGroups(
  scope: Scope,
  groups: GraphGroup[],
  walk: boolean,
): Promise<{ rows: number }> {
  const valid = groups.filter((g) => typeof g?.id === "string" && g.id);
  const removed = dedupeBy(valid, (g) => g.id).filter((g) => g["@removed"]).map((g) => g.id);
  const removedSet = new Set(removed);
  const live = valid.filter((g) => !removedSet.has(g.id));
  const withProps = dedupeBy(live.filter((g) => PROPERTIES.some((p) => p in g)), (g) => g.id)
    .sort((a, b) => a.id.localeCompare(b.id));
  let rows = (await upsertChanged(
    scope.tx,
    GROUPS,
    withProps.map((g) =>
      scoped(scope, {
        external_id: g.id,
        display_name: g.displayName ?? null,
        mail: g.mail ?? null,
        description: g.description ?? null,
        active: true,
        removed_reason: null,
      })
    ),
  )).length;
  const stubs = [...new Set(live.map((g) => g.id))].filter((id) => !withProps.some((g) => g.id === id)).sort();
  rows += (await upsertChanged(scope.tx, GROUP_STUBS, stubs.map((id) => scoped(scope, { external_id: id })))).length;

  // memberships in page order: a later add or removal of the same pair wins
  const change = new Map<string, { group: string; member: string; type: string; add: boolean }>();
  for (const g of live) {
    for (const m of g["members@delta"] ?? []) {
      if (typeof m?.id !== "string") continue;
      change.set(`${g.id}|${m.id}`, {
        group: g.id,
        member: m.id,
        type: memberType(m["@odata.type"]),
        add: !m["@removed"],
      });
    }
  }
  const adds = [...change.values()].filter((c) => c.add).sort((a, b) =>
    a.group.localeCompare(b.group) || a.member.localeCompare(b.member)
  );
  const drops = [...change.values()].filter((c) => !c.add);
  if (adds.length) {
    rows += (await scope.tx.query(
      `INSERT INTO directory_group_members (tenant_id, integration_id, group_external_id, member_external_id, member_type)
       SELECT $1, $2, a.g, a.m, a.t FROM jsonb_to_recordset($3::jsonb) AS a(g text, m text, t text)
       ON CONFLICT (tenant_id, integration_id, group_external_id, member_external_id)
         DO UPDATE SET member_type = EXCLUDED.member_type
         WHERE directory_group_members.member_type IS DISTINCT FROM EXCLUDED.member_type
       RETURNING 1`,
      [scope.tenantId, scope.integrationId, JSON.stringify(adds.map((a) => ({ g: a.group, m: a.member, t: a.type })))],
    )).length;
  }
  if (drops.length || removed.length) {
    rows += (await scope.tx.query(
      `DELETE FROM directory_group_members
        WHERE tenant_id = $1 AND integration_id = $2
          AND (group_external_id || '|' || member_external_id = ANY($3::text[]) OR group_external_id = ANY($4::text[]))
        RETURNING 1`,
      [scope.tenantId, scope.integrationId, drops.map((d) => `${d.group}|${d.member}`), removed],
    )).length;
  }
  if (removed.length) {
    rows += (await scope.tx.query(
      `UPDATE directory_groups SET active = false, removed_reason = 'deleted', updated_at = now()
        WHERE tenant_id = $1 AND integration_id = $2 AND external_id = ANY($3::text[]) AND active
        RETURNING id`,
      [scope.tenantId, scope.integrationId, removed],
    )).length;
  }
  if (walk) {
    await markSeen(scope, "groups", live.map((g) => g.id));
    await markSeen(scope, "members", adds.map((a) => `${a.group}|${a.member}`));
  }
  return { rows };
}
