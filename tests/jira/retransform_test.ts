// Re-transform from stored raw pages: after the operator maps statuses, moves a status to another workflow step or
// maps a custom field, work items and flow metrics are recomputed without a single Jira call, and a repeat
// re-transform writes nothing.
import { assertEquals } from "../support/assert.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { retransformIntegration } from "../../engine/connectors/jira/retransform.ts";
import { runSync } from "./driver.ts";
import { addStatusMappings, FAST_HTTP, kinds, mapCustomFields, RECORDED_STATUS_MAPPINGS, withJira } from "./support.ts";
import type { Db } from "../../db/port.ts";

const connector = createJiraConnector({ http: FAST_HTTP });

async function ee23(db: Db) {
  const [r] = await db.query<Record<string, unknown>>(
    `SELECT total_work_starts AS starts, total_completions AS completions, total_backlog_returns AS returns,
            round(total_cycle_time_seconds::numeric, 3)::float8 AS cycle, rework_indicator AS rework,
            work_last_completed_at::text AS last_done
       FROM work_items WHERE key = 'EE-23'`,
  );
  return r;
}

for (const kind of kinds()) {
  Deno.test(`jira retransform[${kind}]: mapping changes are applied from raw rows with zero API calls`, () =>
    withJira(kind, { recordedMappings: false }, async ({ db, jira, tenantId, integrationId, credentials }) => {
      await mapCustomFields(db, tenantId, integrationId, { storyPoints: "customfield_10024" });
      await runSync({ db, connector, tenantId, integrationId, credentials });
      // 已完成 is not mapped yet: EE-23's last move (Closed → 已完成) leaves the Done category, so no finished cycle
      assertEquals(await ee23(db), {
        starts: 2,
        completions: 1,
        returns: 1,
        cycle: null,
        rework: true,
        last_done: "2020-06-17 03:08:17.806+00",
      });
      const unmapped = await db.query<{ original_name: string }>(
        "SELECT original_name FROM statuses WHERE status_mapping_id IS NULL ORDER BY original_name",
      );
      assertEquals(unmapped.map((s) => s.original_name), ["Inbox", "Ready for Dev", "已完成"]);
      const calls = jira.requests.length;

      await addStatusMappings(db, tenantId, integrationId, RECORDED_STATUS_MAPPINGS);
      // search requested the mapped fields only, so a slot can be re-pointed at any field the raw rows hold
      await mapCustomFields(db, tenantId, integrationId, {
        storyPoints: "customfield_10024",
        generic: ["customfield_10024"],
      });
      const first = await retransformIntegration(db, { tenantId, integrationId, connector });
      assertEquals(jira.requests.length, calls, "no Jira call");
      assertEquals(first.mappingsChanged, 3);
      // the hand-computed values of fields_test.ts: cycle = 438,038.665 s
      assertEquals(await ee23(db), {
        starts: 2,
        completions: 1,
        returns: 1,
        cycle: 438038.665,
        rework: true,
        last_done: "2020-06-17 03:08:17.806+00",
      });
      const [ee1] = await db.query<{ custom_field_01: string }>(
        "SELECT custom_field_01 FROM work_items WHERE key = 'EE-1'",
      );
      assertEquals(ee1.custom_field_01, "-1", "the generic slot is filled from the raw issue (EE-1 story points)");

      // Resolved moves from "Ready for Prod" (Waiting) to "Done": EE-23 now completes at 10899 (01:27:50.404) and
      // again at 11449 (06-15 09:07:56.858, from Open) — Resolved → Closed → 已完成 stay inside Done. One start
      // (01:27:39.141), so no rework; cycle = 06-15 09:07:56.858 − 06-12 01:27:39.141 = 3 d 7:40:17.717
      // = 286,817.717 s.
      await db.query(
        `UPDATE statuses_mappings SET workflow_id = (SELECT id FROM workflows WHERE tenant_id = $1 AND step_name = 'Done'),
                status_to = 'Done', status_category = 'Done' WHERE tenant_id = $1 AND status_from = 'Resolved'`,
        [tenantId],
      );
      await retransformIntegration(db, { tenantId, integrationId, connector });
      assertEquals(await ee23(db), {
        starts: 1,
        completions: 2,
        returns: 1,
        cycle: 286817.717,
        rework: false,
        last_done: "2020-06-15 09:07:56.858+00",
      });
      const again = await retransformIntegration(db, { tenantId, integrationId, connector });
      assertEquals(again.rows, 0, "a repeated re-transform changes nothing");
      assertEquals(jira.requests.length, calls, "still no Jira call");
    }));
}
