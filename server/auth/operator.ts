// The instance operator: admins of the first tenant (the one created at first start). Instance-wide controls —
// starting/stopping the in-process workers, global queue figures — belong to them, not to every tenant's admins.
import type { Queryable } from "../../db/port.ts";
import type { AuthUser } from "../context.ts";

export async function isOperator(db: Queryable, auth: AuthUser): Promise<boolean> {
  if (auth.role !== "admin") return false;
  const [row] = await db.query<{ id: number | null }>("SELECT min(id) AS id FROM tenants");
  return row?.id === auth.tenantId;
}
