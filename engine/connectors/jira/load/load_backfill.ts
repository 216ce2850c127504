// Load of a back-fill page (extract/backfill.ts): the work_items columns of the slots the back-filled fields are
// mapped to, for items already loaded, and nothing else — the same value conversion as a full load (it is
// workItemColumns on the fetched fields). A back-filled sprint field refreshes the items' current sprints and marks
// them for the after-step recompute of their sprint membership.
import type { Scope } from "../../common/db_util.ts";
import type { JiraIssue } from "../client/types.ts";
import type { BackfillRecord } from "../extract/backfill.ts";
import { type FieldMapping, loadFieldMapping } from "./field_mapping.ts";
import { workItemColumns } from "./issue_row.ts";
import { parseSprintField } from "../derived/sprint_history.ts";
import { upsertSprints } from "./load_sprints.ts";

/** work_items columns fed by the given Jira fields under the mapping. */
function columnsFor(mapping: FieldMapping, fields: Set<string>): string[] {
  const special: Array<[string | null, string]> = [
    [mapping.team, "team"],
    [mapping.storyPoints, "story_points"],
    [mapping.development, "development"],
  ];
  return [
    ...special.filter(([f]) => f && fields.has(f)).map(([, column]) => column),
    ...mapping.generic.filter(([, f]) => fields.has(f)).map(([column]) => column),
  ];
}

const NO_REFS = { project: () => null, wit: () => null, status: () => null, person: () => null };

export async function loadBackfill(scope: Scope, records: BackfillRecord[]): Promise<{ rows: number }> {
  const mapping = await loadFieldMapping(scope.tx, scope.tenantId, scope.integrationId);
  // the fields a page back-fills are the ones its records name (extract names every requested one)
  const wanted = new Set(records.flatMap((r) => Object.keys(r.fields ?? {})));
  const columns = columnsFor(mapping, wanted);
  let rows = 0;
  if (columns.length && records.length) {
    const data = records.map((r) => {
      const all = workItemColumns({ id: r.id, key: "", fields: r.fields } as JiraIssue, NO_REFS, mapping);
      return Object.fromEntries([["external_id", r.id], ...columns.map((c) => [c, all[c]])]);
    });
    const set = columns.map((c) => `${c} = r.${c}`).join(", ");
    const distinct = `(${columns.map((c) => `w.${c}`).join(", ")}) IS DISTINCT FROM (${
      columns.map((c) => `r.${c}`).join(", ")
    })`;
    const written = await scope.tx.query<{ id: number }>(
      `UPDATE work_items w SET ${set}, updated_at = now()
         FROM jsonb_populate_recordset(NULL::work_items, $3::jsonb) r
        WHERE w.tenant_id = $1 AND w.integration_id = $2 AND w.external_id = r.external_id AND ${distinct}
        RETURNING w.id`,
      [scope.tenantId, scope.integrationId, JSON.stringify(data)],
    );
    rows += written.length;
  }
  if (mapping.sprints && wanted.has(mapping.sprints) && records.length) {
    const current = records.map((r) => ({ id: r.id, sprints: parseSprintField(r.fields[mapping.sprints!]) }));
    const sprints = await upsertSprints(scope, current.flatMap((c) => c.sprints), []);
    const marked = await scope.tx.query(
      `INSERT INTO jira_derivations (work_item_id, tenant_id, integration_id, current_sprints)
       SELECT w.id, w.tenant_id, w.integration_id, c.sprints FROM jsonb_to_recordset($3::jsonb) c(id text, sprints jsonb)
         JOIN work_items w ON w.tenant_id = $1 AND w.integration_id = $2 AND w.external_id = c.id
       ON CONFLICT (work_item_id) DO UPDATE SET current_sprints = EXCLUDED.current_sprints, pending = true
       RETURNING work_item_id`,
      [scope.tenantId, scope.integrationId, JSON.stringify(current)],
    );
    rows += sprints.written.length + marked.length;
  }
  return { rows };
}
