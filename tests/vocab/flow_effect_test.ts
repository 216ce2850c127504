// The preview's flow metrics path (typed columns, rows grouped by counting sort, external ids read only for
// same-millisecond ties) against the load's own object path (computeFlow over Transition objects): stored metrics
// written by the object path must read as unchanged on both ways the preview reads (touched items listed first
// through the status indexes, or everything read at once), and the items whose stored metrics are cleared must be
// counted exactly.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp } from "../support/app.ts";
import {
  computeFlow,
  METRIC_COLUMNS,
  type StatusStep,
  type Transition,
} from "../../engine/connectors/jira/derived/flow_metrics.ts";
import { flowEffect } from "../../routes/app/etl/vocab/flow_effect.ts";
import { jiraIntegrationOf } from "./support.ts";

const kind = primaryKind();
const DAY = 86_400_000;

Deno.test(`vocabulary preview flow metrics[${kind}]: the typed path equals the load's, ties by history id`, async () => {
  const app = await startTestApp(kind, { env: { AMQP_URL: "" } });
  try {
    const tenantId = await app.tenant("Acme");
    const integrationId = await jiraIntegrationOf(app.db, tenantId);
    const names = ["Backlog", "To Do", "In Progress", "Limbo", "Done"];
    const rows = await app.db.query<{ id: number; original_name: string }>(
      `INSERT INTO statuses (tenant_id, integration_id, external_id, original_name, category)
       SELECT $1, $2, n, n, 'To Do' FROM unnest($3::text[]) n RETURNING id, original_name`,
      [tenantId, integrationId, names],
    );
    const status = Object.fromEntries(rows.map((r) => [r.original_name, Number(r.id)]));
    // Limbo is mapped (the change being previewed): the others by the default vocabulary's names
    const [step] = await app.db.query<{ id: number }>(
      "SELECT id FROM workflows WHERE integration_id = $1 AND step_name = 'Ready for Prod'",
      [integrationId],
    );
    await app.db.query(
      `INSERT INTO statuses_mappings (tenant_id, integration_id, status_from, status_to, status_category, workflow_id)
       SELECT $1, $2, 'Limbo', step_name, step_category, id FROM workflows WHERE id = $3`,
      [tenantId, integrationId, step.id],
    );
    await app.db.query(
      `UPDATE statuses s SET status_mapping_id = m.id FROM statuses_mappings m
        WHERE m.integration_id = s.integration_id AND lower(m.status_from) = lower(s.original_name)
          AND s.integration_id = $1`,
      [integrationId],
    );
    const steps = await app.db.query<StatusStep & { id: number }>(
      `SELECT s.id, w.step_category AS category, w.step_number AS "stepNumber" FROM statuses s
         JOIN statuses_mappings m ON m.id = s.status_mapping_id JOIN workflows w ON w.id = m.workflow_id
        WHERE s.integration_id = $1`,
      [integrationId],
    );
    const stepOf = new Map(steps.map((s) => [Number(s.id), { category: s.category, stepNumber: s.stepNumber }]));
    const [{ commitment }] = await app.db.query<{ commitment: number }>(
      "SELECT step_number AS commitment FROM workflows WHERE integration_id = $1 AND is_commitment_point AND active",
      [integrationId],
    );

    // 60 items: paths through the statuses, every third through Limbo; every fifth ends with a same-millisecond pair
    // (reopened and done: by history id every other one is done, with a cycle time, the others are in progress)
    const { Backlog, Done, Limbo } = status;
    const histories = new Map<string, Transition[]>();
    for (let n = 1; n <= 60; n++) {
      const created = Date.UTC(2024, 0, 1) + n * 60_000;
      const path = [Backlog, status["To Do"], status["In Progress"], ...(n % 3 === 0 ? [Limbo] : []), Done];
      const list: Transition[] = path.slice(1).map((to, k) => ({
        at: created + (k + 1) * DAY + n * 1000,
        fromStatusId: path[k],
        toStatusId: to,
        externalId: String(n * 100 + k * 2),
      }));
      if (n % 5 === 0) {
        // ids whose numeric order is not their text order ("59" < "510"), every other pair the other way round:
        // whichever order the rows are read in, some pairs arrive in the wrong one
        const [first, second] = n % 10 === 0 ? [`${n}10`, `${n}9`] : [`${n}9`, `${n}10`];
        const at = list[list.length - 1].at + DAY;
        list.push(
          { at, fromStatusId: Done, toStatusId: status["In Progress"], externalId: first },
          { at, fromStatusId: status["In Progress"], toStatusId: Done, externalId: second },
        );
      }
      histories.set(`F-${n}`, list);
    }
    const items = await app.db.query<{ id: number; key: string }>(
      `INSERT INTO work_items (tenant_id, integration_id, external_id, key, status_id, source_created_at)
       SELECT $1, $2, k, k, $3, timestamptz '2024-01-01' + substr(k, 3)::int * interval '1 minute'
         FROM unnest($4::text[]) k RETURNING id, key`,
      [tenantId, integrationId, Done, [...histories.keys()]],
    );
    for (const item of items) {
      for (const t of histories.get(item.key)!) {
        await app.db.query(
          `INSERT INTO changelogs (tenant_id, integration_id, work_item_id, external_id, from_status_id, to_status_id,
                                   transition_change_date)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [tenantId, integrationId, item.id, t.externalId, t.fromStatusId, t.toStatusId, new Date(t.at).toISOString()],
        );
      }
      // stored as the load computes them, with the vocabulary after the change
      const { metrics } = computeFlow({
        createdAt: Date.UTC(2024, 0, 1) + Number(item.key.slice(2)) * 60_000,
        currentStatusId: Done,
        transitions: histories.get(item.key)!,
        stepOf: (id) => id === null ? undefined : stepOf.get(id),
        commitmentStep: commitment,
      });
      await app.db.query(
        `UPDATE work_items SET ${METRIC_COLUMNS.map((c, i) => `${c} = $${i + 2}`).join(", ")} WHERE id = $1`,
        [item.id, ...METRIC_COLUMNS.map((c) => metrics[c])],
      );
    }
    const cycles = await app.db.query<{ key: string }>(
      "SELECT key FROM work_items WHERE integration_id = $1 AND total_cycle_time_seconds > 0 ORDER BY id",
      [integrationId],
    );
    assertEquals(
      cycles.map((c) => c.key),
      items.filter((i) => Number(i.key.slice(2)) % 10 !== 0).map((i) => i.key),
      "by history id every other same-millisecond pair ends done",
    );

    const change = {
      tenantId,
      integrationId,
      changedStatuses: [Limbo],
      everyItem: false,
      stepOf,
      commitmentStep: commitment,
    };
    const listed = await flowEffect(app.db, change);
    const everything = await flowEffect(app.db, { ...change, listedLimit: 0 });
    assertEquals(listed, { count: 0, metrics: 0, examples: [], unmappedAfter: 0 }, "stored = computed by the load");
    assertEquals(everything, listed, "both ways of reading agree");
    const every = await flowEffect(app.db, { ...change, everyItem: true });
    assertEquals([every.count, every.metrics], [0, 0]);

    // clearing the stored cycle time of three Limbo items: exactly those three values change
    const cleared = items.filter((i) => [3, 6, 15].includes(Number(i.key.slice(2))));
    await app.db.query("UPDATE work_items SET total_cycle_time_seconds = NULL WHERE id = ANY($1::bigint[])", [
      cleared.map((i) => i.id),
    ]);
    for (const effect of [await flowEffect(app.db, change), await flowEffect(app.db, { ...change, listedLimit: 0 })]) {
      assertEquals([effect.count, effect.metrics], [cleared.length, cleared.length]);
      assertEquals(effect.examples.map((e) => [e.key, e.metric, e.before]), [
        ...cleared.map((i) => [i.key, "total_cycle_time_seconds", null]),
      ]);
      assert(effect.examples.every((e) => Number(e.after) > 0), JSON.stringify(effect.examples));
    }
    // a status no history passes touches nothing
    assertEquals((await flowEffect(app.db, { ...change, changedStatuses: [2_000_000] })).count, 0);
  } finally {
    await app.close();
  }
});
