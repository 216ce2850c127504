// Boards whose sprint reports Jira answered 404 in a run (a deleted board or sprint, or a board that is not a scrum
// board): the sprints step skips them and goes on, and the job details say which boards those were, read from the
// run's raw sprint-report pages (the extract records each failed report with its status).
import { z } from "zod";
import type { Queryable } from "../../../db/port.ts";

export const missingSprintReports = z.array(z.object({
  boardId: z.string(),
  sprints: z.number().int().min(1).meta({ description: "sprints of the board whose report answered 404" }),
})).meta({ description: "Jira boards whose sprint report answered 404 in the latest run" });

export type MissingSprintReports = z.infer<typeof missingSprintReports>;

export async function missingSprintReportsOf(
  db: Queryable,
  tenantId: number,
  runId: number,
): Promise<MissingSprintReports> {
  const rows = await db.query<{ board: string; sprints: number }>(
    `SELECT e->>'boardId' AS board, count(DISTINCT e->>'sprintId')::int AS sprints
       FROM raw_extraction_data r CROSS JOIN LATERAL jsonb_array_elements(r.payload) e
      WHERE r.tenant_id = $1 AND r.run_id = $2 AND r.kind = 'jira_sprint_reports'
        AND jsonb_typeof(r.payload) = 'array' AND e->>'unavailable' = '404'
      GROUP BY 1 ORDER BY length(e->>'boardId'), 1`,
    [tenantId, runId],
  );
  return rows.map((r) => ({ boardId: r.board, sprints: Number(r.sprints) }));
}
