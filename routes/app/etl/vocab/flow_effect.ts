// The flow metrics part of a vocabulary preview: the stored metrics of every work item a change can touch, against
// the metrics the load's own core (flowMetricsOfRows) computes from the item's stored status history with the
// vocabulary after the change. At 100,000 items it has to stay under 2 s on a shared machine, so:
// - the stored rows are read on their own pool connections, items and history side by side (they do not depend on
//   the change, which only lives in the preview's transaction), each as ONE text of comma-separated numbers (no
//   per-row decoding);
// - the numbers are parsed by a single character loop into typed arrays (split + Number was 4× slower);
// - when few items are touched, they are found first through the changelog status indexes and only they are read;
//   when many are, everything is read once and the touched ones are picked while grouping;
// - keys are read only for the few examples, and external ids (history order among changes in the same millisecond)
//   only if some item has such a tie.
import type { Db, Queryable } from "../../../../db/port.ts";
import {
  type FlowItem,
  type FlowMetricsMs,
  flowMetricsOfRows,
  METRIC_COLUMNS,
  type StatusStep,
} from "../../../../engine/connectors/jira/derived/flow_metrics.ts";

export interface FlowChange {
  tenantId: number;
  integrationId: number;
  /** statuses whose workflow step, category or step number the change moves */
  changedStatuses: number[];
  /** the commitment point moved: every item's lead time may change */
  everyItem: boolean;
  /** the vocabulary after the change */
  stepOf: Map<number, StatusStep>;
  commitmentStep: number | null;
  /** up to this many touched changelog rows the touched items are listed first (tests force either path) */
  listedLimit?: number;
}

export interface FlowEffect {
  count: number;
  metrics: number;
  examples: Array<{ key: string; metric: string; before: string | null; after: string | null }>;
  unmappedAfter: number;
}

const EXAMPLES = 5;
/** Up to this many touched changelog rows the touched items are listed first and only they are read. */
const LISTED = 10_000;
const TIME_COLUMNS = new Set<string>(METRIC_COLUMNS.filter((c) => c.endsWith("_at")));
// float8 arithmetic rounded to whole ms (extract() is numeric, several times slower at 500,000 values)
const epoch = (column: string) => `(date_part('epoch', ${column}) * 1000)::bigint`;
/** id, status, created, then the stored metrics (times as epoch ms, booleans as 0/1); NULL prints as nothing. */
const ITEM_FIELDS = [
  "wi.id",
  "wi.status_id",
  epoch("wi.source_created_at"),
  ...METRIC_COLUMNS.map((c) =>
    TIME_COLUMNS.has(c) ? epoch(`wi.${c}`) : c.startsWith("total_") ? `wi.${c}` : `wi.${c}::int`
  ),
];
const ITEM_WIDTH = ITEM_FIELDS.length;
/** work item, when (epoch ms), from and to status (0: none) of every status change */
const HISTORY_WIDTH = 4;

/** Comma-separated numbers (empty: NaN) into an array: one pass over the characters, Number() only for non-integers. */
export function parseNumbers(text: string | null, width: number): Float64Array {
  if (!text) return new Float64Array(0);
  let out = new Float64Array(1024);
  let n = 0;
  let start = 0;
  let value = 0;
  let plain = true;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c === 44) {
      if (n === out.length) {
        const grown = new Float64Array(n * 2);
        grown.set(out);
        out = grown;
      }
      out[n++] = i === start ? NaN : plain ? value : Number(text.slice(start, i));
      start = i + 1;
      value = 0;
      plain = true;
    } else if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else plain = false;
  }
  if (n % width !== 0) throw new Error(`expected rows of ${width} numbers, got ${n} values`);
  return out.subarray(0, n);
}

async function readOff(db: Db, sql: string, params: unknown[]) {
  // JIT compilation of these aggregates costs more than running them (seconds at 100,000 items)
  return await db.transaction(async (tx) => {
    await tx.query("SELECT set_config('jit', 'off', true)");
    return (await tx.query<Record<string, string | null>>(sql, params))[0];
  });
}

/** The touched items when they are few (null: many, or every item — read all and pick while grouping). */
async function listedItems(db: Queryable, change: FlowChange): Promise<number[] | null> {
  if (change.everyItem) return null;
  if (!change.changedStatuses.length) return [];
  const [row] = await db.query<{ moved: string; sitting: string; n: number }>(
    `SELECT array_to_string(array(SELECT work_item_id FROM changelogs WHERE tenant_id = $1 AND integration_id = $2
              AND (from_status_id = ANY($3::int[]) OR to_status_id = ANY($3::int[])) LIMIT $4), ',') AS moved,
            array_to_string(array(SELECT id FROM work_items WHERE tenant_id = $1 AND integration_id = $2 AND active
              AND status_id = ANY($3::int[]) LIMIT $4), ',') AS sitting`,
    [change.tenantId, change.integrationId, change.changedStatuses, (change.listedLimit ?? LISTED) + 1],
  );
  const moved = parseNumbers(row.moved, 1);
  const sitting = parseNumbers(row.sitting, 1);
  const limit = change.listedLimit ?? LISTED;
  if (moved.length > limit || sitting.length > limit) return null;
  return [...new Set([...moved, ...sitting])];
}

/**
 * Reads the stored rows (all of the integration's, or the listed items') as packed numbers: the items and their
 * history side by side, each one backend's work. (Splitting the history in halves on two more backends measured no
 * faster on a loaded 2-core machine: each half scans the whole table.)
 */
async function storedRows(db: Db, change: FlowChange, listed: number[] | null) {
  const scope = [change.tenantId, change.integrationId];
  const params = listed ? [...scope, listed] : scope;
  const history = readOff(
    db,
    `SELECT string_agg(concat(work_item_id, ',', ${epoch("transition_change_date")}, ',', coalesce(from_status_id, 0),
              ',', coalesce(to_status_id, 0)), ',') AS numbers
       FROM changelogs WHERE tenant_id = $1 AND integration_id = $2
        ${listed ? "AND work_item_id = ANY($3::bigint[])" : ""}`,
    params,
  ).then((packed) => parseNumbers(packed.numbers, HISTORY_WIDTH));
  const items = readOff(
    db,
    `SELECT string_agg(concat(${ITEM_FIELDS.join(", ',', ")}), ',') AS numbers
       FROM work_items wi WHERE tenant_id = $1 AND integration_id = $2 AND active
        ${listed ? "AND id = ANY($3::bigint[])" : ""}`,
    params,
  ).then((packed) => parseNumbers(packed.numbers, ITEM_WIDTH));
  return { items: await items, history: await history };
}

/**
 * The status changes in columns, grouped by item (counting sort): item i's rows are order[offset[i]] …
 * order[offset[i + 1] - 1], sorted by time. `tied` lists the items with two different changes in the same
 * millisecond, whose order the external ids decide (resolveTies).
 */
function groupHistory(items: Float64Array, numbers: Float64Array) {
  const itemCount = items.length / ITEM_WIDTH;
  const itemOf = new Map<number, number>();
  for (let i = 0; i < itemCount; i++) itemOf.set(items[i * ITEM_WIDTH], i);
  const rows = numbers.length / HISTORY_WIDTH;
  const at = new Float64Array(rows);
  const from = new Int32Array(rows);
  const to = new Int32Array(rows);
  const owner = new Int32Array(rows);
  const offset = new Int32Array(itemCount + 1);
  for (let r = 0, o = 0; r < rows; r++, o += HISTORY_WIDTH) {
    const item = itemOf.get(numbers[o]) ?? -1;
    owner[r] = item;
    at[r] = numbers[o + 1];
    from[r] = numbers[o + 2];
    to[r] = numbers[o + 3];
    offset[item + 1]++;
  }
  for (let i = 0; i < itemCount; i++) offset[i + 1] += offset[i];
  const order = new Int32Array(offset[itemCount]);
  const next = offset.slice(0, itemCount);
  for (let row = 0; row < rows; row++) if (owner[row] >= 0) order[next[owner[row]]++] = row;

  const grouped = { at, from, to, order, offset };
  const tied: number[] = [];
  for (let i = 0; i < itemCount; i++) {
    if (sortItem(grouped, i, (a, b) => at[a] - at[b])) tied.push(i);
  }
  return { ...grouped, tied };
}
type Grouped = Omit<ReturnType<typeof groupHistory>, "tied">;

/** Insertion sort of one item's rows (an item has a handful of changes); true when different changes tie. */
function sortItem({ at, from, to, order, offset }: Grouped, item: number, compare: (a: number, b: number) => number) {
  let tie = false;
  for (let k = offset[item] + 1; k < offset[item + 1]; k++) {
    const row = order[k];
    let j = k - 1;
    for (; j >= offset[item]; j--) {
      const c = compare(row, order[j]);
      if (c === 0 && at[row] === at[order[j]]) tie ||= from[row] !== from[order[j]] || to[row] !== to[order[j]];
      if (c >= 0) break;
      order[j + 1] = order[j];
    }
    order[j + 1] = row;
  }
  return tie;
}

/**
 * Orders the tied items' changes as orderTransitions does (time, then the numeric history id, then the id as text),
 * reading their external ids. Identical changes in the same millisecond are interchangeable, so matching the ids
 * back by (item, time, from, to) is enough.
 */
async function resolveTies(db: Queryable, change: FlowChange, items: Float64Array, grouped: Grouped, tied: number[]) {
  if (!tied.length) return;
  const rows = await db.query<{ item: number; at: number; from: number; to: number; external_id: string }>(
    `SELECT work_item_id AS item, ${epoch("transition_change_date")} AS at, coalesce(from_status_id, 0) AS from,
            coalesce(to_status_id, 0) AS to, external_id
       FROM changelogs WHERE tenant_id = $1 AND integration_id = $2 AND work_item_id = ANY($3::bigint[])`,
    [change.tenantId, change.integrationId, tied.map((i) => items[i * ITEM_WIDTH])],
  );
  const ids = new Map<string, string[]>();
  for (const r of rows) {
    const key = `${r.item},${r.at},${r.from},${r.to}`;
    ids.set(key, [...ids.get(key) ?? [], r.external_id]);
  }
  const { at, from, to, order, offset } = grouped;
  const externalId = new Map<number, string>();
  for (const i of tied) {
    for (let k = offset[i]; k < offset[i + 1]; k++) {
      const row = order[k];
      externalId.set(row, ids.get(`${items[i * ITEM_WIDTH]},${at[row]},${from[row]},${to[row]}`)?.shift() ?? "");
    }
    sortItem(grouped, i, (a, b) => {
      const x = externalId.get(a)!;
      const y = externalId.get(b)!;
      return (at[a] - at[b]) || (Number(x) - Number(y)) || x.localeCompare(y);
    });
  }
}

/** A stored value as flowMetricsOfRows gives it: NaN (NULL) is null, the flags booleans. */
function storedValue(column: string, value: number): number | boolean | null {
  if (Number.isNaN(value)) return null;
  return column === "rework_indicator" || column === "direct_completion" || column === "flow_through_unmapped"
    ? value === 1
    : value;
}

/** A metric value as the API shows it: times (epoch ms on both sides) as ISO 8601, the rest as text. */
function shown(column: string, value: number | boolean | null): string | null {
  if (value === null) return null;
  return TIME_COLUMNS.has(column) ? new Date(Number(value)).toISOString() : String(value);
}

/** Counts the work items and metric values the change moves, with the first examples by work item id. */
export async function flowEffect(db: Db, change: FlowChange): Promise<FlowEffect> {
  const listed = await listedItems(db, change);
  const effect: FlowEffect = { count: 0, metrics: 0, examples: [], unmappedAfter: 0 };
  if (listed && listed.length === 0) return effect;
  const { items, history } = await storedRows(db, change, listed);
  const { tied, ...rows } = groupHistory(items, history);
  await resolveTies(db, change, items, rows, tied);
  const changed = new Set(change.changedStatuses);
  const item: FlowItem = {
    currentStatusId: null,
    createdAt: null,
    stepOf: (id) => id === null ? undefined : change.stepOf.get(id),
    commitmentStep: change.commitmentStep,
  };
  const firstChanged: Changed[] = [];

  for (let i = 0, o = 0; o < items.length; i++, o += ITEM_WIDTH) {
    const id = items[o];
    item.currentStatusId = Number.isNaN(items[o + 1]) ? null : items[o + 1];
    item.createdAt = Number.isNaN(items[o + 2]) ? null : items[o + 2];
    const start = rows.offset[i];
    const end = rows.offset[i + 1];
    let touched = listed !== null || change.everyItem ||
      (item.currentStatusId !== null && changed.has(item.currentStatusId));
    for (let k = start; !touched && k < end; k++) {
      touched = changed.has(rows.from[rows.order[k]]) || changed.has(rows.to[rows.order[k]]);
    }
    if (!touched) continue;
    const metrics = flowMetricsOfRows(item, { ...rows, start, end });
    if (metrics.flow_through_unmapped) effect.unmappedAfter++;
    let moved = 0;
    for (let m = 0; m < METRIC_COLUMNS.length; m++) {
      if (storedValue(METRIC_COLUMNS[m], items[o + 3 + m]) !== metrics[METRIC_COLUMNS[m]]) moved++;
    }
    if (!moved) continue;
    effect.count++;
    effect.metrics += moved;
    // the examples come from the lowest ids: a stable choice whatever order the rows arrived in
    if (firstChanged.length < EXAMPLES || id < firstChanged[EXAMPLES - 1].id) {
      firstChanged.push({ id, metrics, row: o });
      firstChanged.sort((a, b) => a.id - b.id);
      firstChanged.length = Math.min(firstChanged.length, EXAMPLES);
    }
  }
  effect.examples = await examplesOf(db, firstChanged, items);
  return effect;
}

interface Changed {
  id: number;
  metrics: FlowMetricsMs;
  row: number;
}

async function examplesOf(
  db: Queryable,
  changed: Changed[],
  items: Float64Array,
): Promise<FlowEffect["examples"]> {
  if (!changed.length) return [];
  const keys = new Map(
    (await db.query<{ id: number; key: string }>("SELECT id, key FROM work_items WHERE id = ANY($1::bigint[])", [
      changed.map((c) => c.id),
    ])).map((r) => [Number(r.id), r.key]),
  );
  const examples: FlowEffect["examples"] = [];
  for (const { id, metrics, row } of changed) {
    METRIC_COLUMNS.forEach((column, i) => {
      const stored = storedValue(column, items[row + 3 + i]);
      if (stored === metrics[column] || examples.length >= EXAMPLES) return;
      examples.push({
        key: keys.get(id) ?? "",
        metric: column,
        before: shown(column, stored),
        after: shown(column, metrics[column]),
      });
    });
  }
  return examples;
}
