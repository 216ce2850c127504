// What a page of issues adds to the inputs of the history-derived values (see recompute_derived.ts): the sprint and
// story-point items of every history (insert-once by history id, so pages may arrive in any order or twice), the
// sprint field of the newest snapshot of each issue, and the pending mark that makes the after-step hook recompute
// the item. Sprint rows named by the sprint field are written here with their details (they are not derived).
import { insertMany } from "../../../../db/port.ts";
import type { Scope } from "../../common/db_util.ts";
import { parseSprintField } from "../derived/sprint_history.ts";
import type { PreparedIssue } from "./issue_row.ts";
import { historyTime, jiraTime } from "./history_time.ts";
import { upsertSprints } from "./load_sprints.ts";

const isStatus = (item: { field?: string; fieldId?: string }) => (item.fieldId ?? item.field) === "status";

export async function storeHistoryInputs(
  scope: Scope,
  issues: PreparedIssue[],
  itemIds: Map<string, number>,
  sprintFieldId: string | null,
): Promise<{ rows: number; sprints: number[] }> {
  const histories: Record<string, unknown>[] = [];
  const derivations: Record<string, unknown>[] = [];
  const current = [];
  for (const { issue, fields, histories: ordered } of issues) {
    const workItemId = itemIds.get(String(issue.id));
    if (workItemId === undefined) continue;
    for (const h of ordered) {
      const at = historyTime(h);
      const items = (h.items ?? []).filter((i) => !isStatus(i)).map((i) => ({
        field: i.field,
        fieldId: i.fieldId,
        from: i.from ?? null,
        to: i.to ?? null,
        fromString: i.fromString ?? null,
        toString: i.toString ?? null,
      }));
      if (!items.length || !Number.isFinite(at)) continue;
      histories.push({
        tenant_id: scope.tenantId,
        integration_id: scope.integrationId,
        work_item_id: workItemId,
        external_id: String(h.id),
        changed_at: new Date(at).toISOString(),
        items,
      });
    }
    const sprints = sprintFieldId ? parseSprintField(fields[sprintFieldId]) : [];
    current.push(...sprints);
    const updated = jiraTime(fields.updated);
    derivations.push({
      work_item_id: workItemId,
      tenant_id: scope.tenantId,
      integration_id: scope.integrationId,
      current_sprints: sprints,
      snapshot_updated_at: Number.isFinite(updated) ? new Date(updated).toISOString() : null,
      pending: true,
    });
  }
  const [stored, sprints] = await Promise.all([
    insertMany(scope.tx, "jira_field_histories", histories, {
      onConflict: "ON CONFLICT (work_item_id, external_id) DO NOTHING",
      returning: "external_id",
    }),
    current.length ? upsertSprints(scope, current, []) : { written: [] as number[] },
  ]);
  // an older snapshot (a page redelivered after a newer one) never replaces the newer sprint field
  await insertMany(scope.tx, "jira_derivations", derivations, {
    onConflict: `ON CONFLICT (work_item_id) DO UPDATE SET pending = true,
      current_sprints = CASE WHEN EXCLUDED.snapshot_updated_at >= jira_derivations.snapshot_updated_at
        OR jira_derivations.snapshot_updated_at IS NULL THEN EXCLUDED.current_sprints
        ELSE jira_derivations.current_sprints END,
      snapshot_updated_at = greatest(EXCLUDED.snapshot_updated_at, jira_derivations.snapshot_updated_at)`,
  });
  return { rows: stored.length + sprints.written.length, sprints: sprints.written };
}
