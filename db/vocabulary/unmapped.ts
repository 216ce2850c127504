// How many of a tenant's work items have flow metrics that pass a status no workflow step covers (flagged by the
// load, work_items.flow_through_unmapped): the badge on the sidebar's Statuses entry and the notice on Home.
import type { Queryable } from "../port.ts";

export async function unmappedFlowItems(db: Queryable, tenantId: number): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM work_items WHERE tenant_id = $1 AND flow_through_unmapped AND active",
    [tenantId],
  );
  return n;
}
