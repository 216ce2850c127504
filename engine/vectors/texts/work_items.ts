// Text of a work item: key, summary, mapped type and status (the source's own name when unmapped), labels, and the
// description last (it is the longest and is the first to be cut to the size bound).
import type { Queryable } from "../../../db/port.ts";
import type { EmbedDoc } from "../../connector.ts";
import { compose } from "./compose.ts";

export interface WorkItemTextRow {
  id: number;
  integration_id: number;
  key: string;
  summary: string | null;
  description: string | null;
  type: string | null;
  status: string | null;
  labels: string[] | null;
}

export function workItemText(r: WorkItemTextRow): string {
  return compose([
    ["Key", r.key],
    ["Summary", r.summary],
    ["Type", r.type],
    ["Status", r.status],
    ["Labels", r.labels],
    ["Description", r.description],
  ]);
}

/** Texts of the tenant's active work items among `ids` (inactive, missing or other tenants' ids give nothing). */
export async function workItemTexts(q: Queryable, tenantId: number, ids: number[]): Promise<EmbedDoc[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<WorkItemTextRow>(
    `SELECT wi.id, wi.integration_id, wi.key, wi.summary, wi.description, wi.labels,
            coalesce(wm.wit_to, w.original_name) AS type, coalesce(sm.status_to, s.original_name) AS status
       FROM work_items wi
       LEFT JOIN wits w ON w.id = wi.wit_id LEFT JOIN wits_mappings wm ON wm.id = w.wits_mapping_id
       LEFT JOIN statuses s ON s.id = wi.status_id LEFT JOIN statuses_mappings sm ON sm.id = s.status_mapping_id
      WHERE wi.tenant_id = $1 AND wi.id = ANY($2::bigint[]) AND wi.active`,
    [tenantId, ids],
  );
  return rows.map((r) => ({
    table: "work_items",
    id: Number(r.id),
    integrationId: Number(r.integration_id),
    text: workItemText(r),
  }));
}
