// The budget GitHub last reported per resource (core, graphql, …) is kept in source_rate_limits for the job
// details: what is left, when it refills, what the last query cost — or that the server reports no limit at all
// (Enterprise Server with rate limiting switched off). Written while extracting, once per page; not loaded content.
import type { Queryable } from "../../../../db/port.ts";
import type { GitHubClient } from "../client/client.ts";

export async function recordBudgets(db: Queryable, tenantId: number, integrationId: number, client: GitHubClient) {
  const budgets = [...client.budgets.values()];
  if (budgets.length === 0) return;
  await db.query(
    `INSERT INTO source_rate_limits (tenant_id, integration_id, resource, unlimited, limit_total, remaining, reset_at,
                                     last_cost, observed_at)
     SELECT $1, $2, b.resource, b.unlimited, b.limit_total, b.remaining, b.reset_at, b.last_cost, now()
       FROM jsonb_to_recordset($3::jsonb) AS b(resource text, unlimited boolean, limit_total int, remaining int,
                                                reset_at timestamptz, last_cost int)
     ON CONFLICT (integration_id, resource) DO UPDATE SET unlimited = EXCLUDED.unlimited,
       limit_total = EXCLUDED.limit_total, remaining = EXCLUDED.remaining, reset_at = EXCLUDED.reset_at,
       last_cost = coalesce(EXCLUDED.last_cost, source_rate_limits.last_cost), observed_at = now()`,
    [
      tenantId,
      integrationId,
      JSON.stringify(budgets.map((b) => ({
        resource: b.resource,
        unlimited: b.unlimited,
        limit_total: b.limit,
        remaining: b.remaining,
        reset_at: b.resetAt?.toISOString() ?? null,
        last_cost: b.lastCost,
      }))),
    ],
  );
}
