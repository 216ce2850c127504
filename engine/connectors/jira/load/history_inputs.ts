// What a page of issues adds to the inputs of the history-derived values: the sprint and story-point items of every
// history (insert-once by history id, so pages may arrive in any order or twice), the sprint field of the newest
// snapshot of each issue, and — for the items the page derived (derived_page.ts) — their sprint memberships; the
// others are marked pending for the after-step recompute (recompute_derived.ts). Sprint rows named by the sprint
// field are written here with their details (they are not derived).
import { insertMany } from "../../../../db/port.ts";
import type { Scope } from "../../common/db_util.ts";
import { parseSprintField } from "../derived/sprint_history.ts";
import type { PreparedIssue } from "./issue_row.ts";
import type { ItemHistory } from "./derive_item.ts";
import type { FieldMapping } from "./field_mapping.ts";
import { fieldHistoryRows, writeMemberships } from "./derived_page.ts";
import { jiraTime } from "./history_time.ts";
import { upsertSprints } from "./load_sprints.ts";

/**
 * `derived`: the complete histories of the items whose derived values the page load computed (derived_page.ts):
 * their sprint memberships are written here and they are not left pending; the others are, for the recompute.
 */
export async function storeHistoryInputs(
  scope: Scope,
  issues: PreparedIssue[],
  itemIds: Map<string, number>,
  mapping: FieldMapping,
  derived: Map<string, ItemHistory>,
): Promise<{ rows: number; sprints: number[] }> {
  const sprintFieldId = mapping.sprints;
  const histories: Record<string, unknown>[] = [];
  const derivations: Record<string, unknown>[] = [];
  const current = [];
  const memberships = [];
  for (const { issue, fields, histories: ordered } of issues) {
    const workItemId = itemIds.get(String(issue.id));
    if (workItemId === undefined) continue;
    for (const h of fieldHistoryRows(ordered)) {
      histories.push({
        tenant_id: scope.tenantId,
        integration_id: scope.integrationId,
        work_item_id: workItemId,
        external_id: h.id,
        changed_at: h.changedAt,
        items: h.items,
      });
    }
    const sprints = sprintFieldId ? parseSprintField(fields[sprintFieldId]) : [];
    current.push(...sprints);
    const updated = jiraTime(fields.updated);
    const history = derived.get(String(issue.id));
    if (history && sprintFieldId) memberships.push({ workItemId, current: sprints, history });
    derivations.push({
      work_item_id: workItemId,
      tenant_id: scope.tenantId,
      integration_id: scope.integrationId,
      current_sprints: sprints,
      snapshot_updated_at: Number.isFinite(updated) ? new Date(updated).toISOString() : null,
      pending: !history,
    });
  }
  const [stored, sprints] = await Promise.all([
    insertMany(scope.tx, "jira_field_histories", histories, {
      onConflict: "ON CONFLICT (work_item_id, external_id) DO NOTHING",
      returning: "external_id",
    }),
    current.length ? upsertSprints(scope, current, []) : { written: [] as number[] },
  ]);
  // after the current sprints are in: memberships look their ids up
  const members = memberships.length
    ? await writeMemberships(scope, memberships, sprintFieldId!, mapping.storyPoints, "defer")
    : { rows: 0, incomplete: new Set<number>() };
  for (const d of derivations) if (members.incomplete.has(d.work_item_id as number)) d.pending = true;
  // an older snapshot (a page redelivered after a newer one) never replaces the newer sprint field
  await insertMany(scope.tx, "jira_derivations", derivations, {
    onConflict: `ON CONFLICT (work_item_id) DO UPDATE SET pending = EXCLUDED.pending,
      current_sprints = CASE WHEN EXCLUDED.snapshot_updated_at >= jira_derivations.snapshot_updated_at
        OR jira_derivations.snapshot_updated_at IS NULL THEN EXCLUDED.current_sprints
        ELSE jira_derivations.current_sprints END,
      snapshot_updated_at = greatest(EXCLUDED.snapshot_updated_at, jira_derivations.snapshot_updated_at)`,
  });
  return { rows: stored.length + sprints.written.length + members.rows, sprints: sprints.written };
}
