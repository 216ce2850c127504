// Steps 1 and 2: projects with their issue types (→ projects, wits, projects_wits) and each project's statuses per
// issue type (→ statuses, projects_statuses). Shared issue types (company-managed projects) are de-duplicated before
// the multi-row upsert, which PostgreSQL would otherwise refuse (defect §11.1-15), and projects_wits is written on
// the job path too (defect §11.1-14).
import { insertMany } from "../../../../db/port.ts";
import type { JiraIssueType, JiraIssueTypeWithStatuses, JiraProject } from "../client/types.ts";
import type { Scope } from "../../common/db_util.ts";
import { ensureReferences, upsertProjects, upsertStatuses, upsertWits, witRow, WITS } from "./references.ts";

export interface ProjectStatusesRecord {
  projectKey: string;
  issueTypes: JiraIssueTypeWithStatuses[];
}

async function linkRows(scope: Scope, table: string, columns: string[], rows: Record<string, unknown>[]) {
  const key = (r: Record<string, unknown>) => columns.map((c) => r[c]).join(":");
  const unique = [...new Map(rows.map((r) => [key(r), r])).values()];
  if (unique.length === 0) return 0;
  const inserted = await insertMany(scope.tx, table, unique.map((r) => ({ tenant_id: scope.tenantId, ...r })), {
    columns: ["tenant_id", ...columns],
    onConflict: "ON CONFLICT DO NOTHING",
    returning: columns[0],
  });
  return inserted.length;
}

export async function loadProjects(scope: Scope, projects: JiraProject[]) {
  const p = await upsertProjects(scope, projects);
  const types: JiraIssueType[] = projects.flatMap((x) => x.issueTypes ?? []);
  const w = await upsertWits(scope, types);
  const links = await linkRows(
    scope,
    "projects_wits",
    ["project_id", "wit_id"],
    projects.flatMap((x) =>
      (x.issueTypes ?? []).map((t) => ({ project_id: p.ids.get(String(x.id)), wit_id: w.ids.get(String(t.id)) }))
    ).filter((r) => r.project_id !== undefined && r.wit_id !== undefined),
  );
  return { rows: p.written.length + w.written.length + links, projects: p.written, wits: w.written };
}

export async function loadProjectStatuses(scope: Scope, records: ProjectStatusesRecord[]) {
  const statuses = records.flatMap((r) => r.issueTypes.flatMap((t) => t.statuses ?? []));
  const s = await upsertStatuses(scope, statuses);
  const keys = [...new Set(records.map((r) => r.projectKey))];
  const projectRows = await scope.tx.query<{ id: number; key: string }>(
    "SELECT id, key FROM projects WHERE tenant_id = $1 AND integration_id = $2 AND key = ANY($3::text[]) AND active",
    [scope.tenantId, scope.integrationId, keys],
  );
  const projectIds = new Map(projectRows.map((r) => [r.key, Number(r.id)]));
  // issue types a project's workflow lists but step 1 did not return (rare) are created, never skipped
  const wits = await ensureReferences(
    scope,
    WITS,
    records.flatMap((r) => r.issueTypes.map((t) => witRow(scope, { id: t.id, name: t.name, subtask: t.subtask }))),
  );
  const links = await linkRows(
    scope,
    "projects_statuses",
    ["project_id", "wit_id", "status_id"],
    records.flatMap((r) =>
      r.issueTypes.flatMap((t) =>
        (t.statuses ?? []).map((st) => ({
          project_id: projectIds.get(r.projectKey),
          wit_id: wits.ids.get(String(t.id)),
          status_id: s.ids.get(String(st.id)),
        }))
      )
    ).filter((x) => x.project_id !== undefined && x.wit_id !== undefined && x.status_id !== undefined),
  );
  return { rows: s.written.length + wits.created.length + links, statuses: s.written };
}
