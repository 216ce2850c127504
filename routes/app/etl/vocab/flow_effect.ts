// The flow metrics a vocabulary change gives the stored work items, computed set-based in ONE statement and compared
// with the stored values there: only the counts and a few examples leave the database. Reading 100,000 items with
// their 400,000 status changes into JS (as text, then parsed) cost most of the preview's time.
//
// The SQL is a transcription of computeFlowMs (engine/connectors/jira/derived/flow_metrics.ts), which stays the
// definition the load uses; flow_effect_test.ts holds the two equal on generated histories. Exactness where it
// matters: times are compared as whole epoch ms (the same rounding the load's inputs get), the time sums are whole
// ms summed exactly and divided once (as JS does), and ties at the same millisecond order by numeric history id,
// as orderTransitions does.
import type { Queryable } from "../../../../db/port.ts";
import { METRIC_COLUMNS, type StepCategory } from "../../../../engine/connectors/jira/derived/flow_metrics.ts";

export interface FlowEffect {
  count: number;
  metrics: number;
  examples: Array<{ key: string; metric: string; before: string | null; after: string | null }>;
  unmappedAfter: number;
}

export interface FlowScope {
  tenantId: number;
  integrationId: number;
  /** statuses whose workflow step (category, name or number) the change moves */
  changedStatuses: number[];
  /** the commitment point moved: every item's metrics may change */
  everyItem: boolean;
  /** step number of the commitment point after the change */
  commitment: number | null;
  examples: number;
}

const TIME_COLUMNS = new Set<string>(METRIC_COLUMNS.filter((c) => c.endsWith("_at")));
// float8 arithmetic rounded to whole ms, as the preview always did (extract() is numeric and several times slower)
const epoch = (column: string) => `(date_part('epoch', ${column}) * 1000)::bigint`;
const CATEGORIES: StepCategory[] = ["To Do", "In Progress", "Waiting", "Done", "Discarded"];
const code = (category: StepCategory) => CATEGORIES.indexOf(category) + 1;
const inFlight = (category: string) => `coalesce(${category} IN (${code("In Progress")}, ${code("Waiting")}), false)`;
const START = `${inFlight("tcat")} AND NOT ${inFlight("fcat")}`;
const DONE = `tcat = ${code("Done")} AND fcat IS DISTINCT FROM ${code("Done")}`;
const stored = (column: string) => TIME_COLUMNS.has(column) ? epoch(`i.${column}`) : `i.${column}`;

// $1 tenant, $2 integration, $3 changed status ids, $4 every item, $5 commitment step number
const FLOW_SQL = `
WITH st AS (
  -- categories as small codes (1… in CATEGORIES order; another category 0; unmapped NULL): compared 400,000 times
  SELECT s.id, CASE WHEN w.step_category IS NOT NULL
           THEN coalesce(array_position(ARRAY['${CATEGORIES.join("', '")}'], w.step_category::text), 0) END AS cat,
         w.step_number AS num
    FROM statuses s LEFT JOIN statuses_mappings m ON m.id = s.status_mapping_id AND m.active
    LEFT JOIN workflows w ON w.id = m.workflow_id AND w.active
   WHERE s.tenant_id = $1 AND s.integration_id = $2),
items AS MATERIALIZED (
  SELECT wi.id, wi.key, wi.status_id, ${epoch("wi.source_created_at")} AS created,
         ${METRIC_COLUMNS.map((c) => `wi.${c}`).join(", ")}
    FROM work_items wi
   WHERE wi.tenant_id = $1 AND wi.integration_id = $2 AND wi.active
     AND ($4 OR wi.status_id = ANY($3::int[]) OR EXISTS (
       SELECT 1 FROM changelogs c WHERE c.work_item_id = wi.id AND c.tenant_id = $1 AND c.integration_id = $2
          AND (c.from_status_id = ANY($3::int[]) OR c.to_status_id = ANY($3::int[]))))),
t AS (
  SELECT c.work_item_id AS item, x.at, c.from_status_id AS fid, fs.cat AS fcat, ts.cat AS tcat, ts.num AS tnum,
         (c.from_status_id IS NOT NULL AND fs.cat IS NULL) OR (c.to_status_id IS NOT NULL AND ts.cat IS NULL) AS unm,
         row_number() OVER w AS rn, lead(x.at) OVER w IS NULL AS last,
         -- ms in the FROM status, never negative (clock skew); no start time counts as 0, as in JS
         greatest(0, x.at - coalesce(lag(x.at) OVER w, i.created)) AS ms
    FROM items i JOIN changelogs c ON c.work_item_id = i.id AND c.tenant_id = $1 AND c.integration_id = $2
    CROSS JOIN LATERAL (SELECT ${epoch("c.transition_change_date")} AS at,
      CASE WHEN c.external_id ~ '^[0-9]{1,15}$' THEN c.external_id::bigint END AS num_id) x
    LEFT JOIN st fs ON fs.id = c.from_status_id LEFT JOIN st ts ON ts.id = c.to_status_id
  WINDOW w AS (PARTITION BY c.work_item_id ORDER BY x.at, x.num_id, c.external_id COLLATE "C")),
a AS (
  SELECT item, count(*) AS n, (array_agg(fid) FILTER (WHERE rn = 1))[1] AS initial,
         count(*) FILTER (WHERE ${START}) AS starts,
         min(at) FILTER (WHERE ${START}) AS first_start,
         max(at) FILTER (WHERE ${START}) AS last_start,
         min(at) FILTER (WHERE tnum >= $5) AS first_commit,
         count(*) FILTER (WHERE ${DONE}) AS done,
         min(at) FILTER (WHERE ${DONE}) AS first_done,
         max(at) FILTER (WHERE ${DONE}) AS last_done,
         count(*) FILTER (WHERE tcat = ${code("To Do")} AND (${inFlight("fcat")} OR fcat = ${code("Done")})) AS returns,
         coalesce(sum(ms) FILTER (WHERE fcat = ${code("In Progress")}), 0)::float8 / 1000 AS work,
         coalesce(sum(ms) FILTER (WHERE fcat = ${code("Waiting")}), 0)::float8 / 1000 AS waiting,
         coalesce(bool_or(tcat = ${code("Done")}) FILTER (WHERE last), false) AS finished,
         bool_or(unm) AS unmapped
    FROM t GROUP BY item),
m AS (
  SELECT i.key, ${METRIC_COLUMNS.map((c) => `${stored(c)} AS ${c}`).join(", ")},
         y.first_committed AS work_first_committed_at_after, y.first_started AS work_first_started_at_after,
         coalesce(a.last_start, CASE WHEN y.cstart THEN i.created END) AS work_last_started_at_after,
         a.first_done AS work_first_completed_at_after, a.last_done AS work_last_completed_at_after,
         y.starts AS total_work_starts_after, coalesce(a.done, 0) AS total_completions_after,
         coalesce(a.returns, 0) AS total_backlog_returns_after,
         CASE WHEN a.n IS NOT NULL THEN a.work END AS total_work_time_seconds_after,
         CASE WHEN a.n IS NOT NULL THEN a.waiting END AS total_waiting_time_seconds_after,
         CASE WHEN a.finished AND a.last_done >= y.first_started
           THEN (a.last_done - y.first_started)::float8 / 1000 END AS total_cycle_time_seconds_after,
         CASE WHEN a.finished AND a.last_done >= y.first_committed
           THEN (a.last_done - y.first_committed)::float8 / 1000 END AS total_lead_time_seconds_after,
         y.starts > 1 AS rework_indicator_after,
         coalesce(a.done, 0) > 0 AND y.starts = 0 AS direct_completion_after,
         (z.initial IS NOT NULL AND ist.cat IS NULL) OR coalesce(a.unmapped, false) AS flow_through_unmapped_after
    FROM items i LEFT JOIN a ON a.item = i.id
    CROSS JOIN LATERAL (SELECT CASE WHEN a.n IS NULL THEN i.status_id ELSE a.initial END AS initial) z
    LEFT JOIN st ist ON ist.id = z.initial
    CROSS JOIN LATERAL (SELECT i.created IS NOT NULL AND ${inFlight("ist.cat")} AS cstart,
      i.created IS NOT NULL AND coalesce(ist.num >= $5, false) AS ccommit) w
    CROSS JOIN LATERAL (SELECT w.cstart,
      w.cstart::int + coalesce(a.starts, 0) AS starts,
      CASE WHEN w.cstart THEN i.created ELSE a.first_start END AS first_started,
      CASE WHEN w.ccommit THEN i.created ELSE a.first_commit END AS first_committed) y),
d AS (
  SELECT m.*, ${METRIC_COLUMNS.map((c) => `(m.${c} IS DISTINCT FROM m.${c}_after)::int`).join(" + ")} AS changed
    FROM m)
SELECT count(*) FILTER (WHERE changed > 0)::int AS items, coalesce(sum(changed), 0)::int AS metrics,
       count(*) FILTER (WHERE flow_through_unmapped_after)::int AS unmapped,
       (SELECT json_agg(json_build_object('key', e.key,
          'before', json_build_array(${METRIC_COLUMNS.map((c) => `e.${c}`).join(", ")}),
          'after', json_build_array(${
  METRIC_COLUMNS.map((c) => `e.${c}_after`).join(", ")
})) ORDER BY e.key COLLATE "C")
          FROM (SELECT * FROM d WHERE changed > 0 ORDER BY key COLLATE "C" LIMIT $6) e) AS examples
  FROM d`;

/** A metric value as the API shows it: times (epoch ms) as ISO 8601, the rest as text. */
function shown(column: string, value: number | boolean | null): string | null {
  if (value === null) return null;
  return TIME_COLUMNS.has(column) ? new Date(Number(value)).toISOString() : String(value);
}

interface FlowRow {
  items: number;
  metrics: number;
  unmapped: number;
  examples: Array<{ key: string; before: (number | boolean | null)[]; after: (number | boolean | null)[] }> | null;
}

/** Counts the work items (and values) whose stored flow metrics differ from what the vocabulary in `tx` gives. */
export async function flowMetricEffect(tx: Queryable, scope: FlowScope): Promise<FlowEffect> {
  // One statement over every touched item: JIT compilation cost more than the whole execution (seconds at
  // 100,000 items), and the history sort fits in memory at this size. Both settings end with the transaction.
  await tx.query("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)");
  const [row] = await tx.query<FlowRow>(FLOW_SQL, [
    scope.tenantId,
    scope.integrationId,
    scope.changedStatuses,
    scope.everyItem,
    scope.commitment,
    scope.examples,
  ]);
  const examples: FlowEffect["examples"] = [];
  for (const item of row.examples ?? []) {
    METRIC_COLUMNS.forEach((column, i) => {
      const [before, now] = [item.before[i], item.after[i]];
      if (before === now || examples.length >= scope.examples) return;
      examples.push({ key: item.key, metric: column, before: shown(column, before), after: shown(column, now) });
    });
  }
  return { count: Number(row.items), metrics: Number(row.metrics), examples, unmappedAfter: Number(row.unmapped) };
}
