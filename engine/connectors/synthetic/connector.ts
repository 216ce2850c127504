// The synthetic connector: extracts the synthetic source (source.ts) through the real source HTTP client and loads
// synthetic_groups (step 1) and synthetic_items (step 2, which needs its groups). It exercises everything a real
// connector does — pagination checkpoints, incremental window, rate limits, idempotent upserts, poison records,
// embed text — with none of a real API's volume, so engine tests and the pipeline benchmark use it.
//
// Integration settings: pageSize (default 100), maxWaitMs (longest 429 wait slept through, default 2,000).
import { insertMany, type Queryable } from "../../../db/port.ts";
import {
  type Connector,
  type EmbedDoc,
  type ExtractContext,
  type ExtractedPage,
  RecordLoadError,
} from "../../connector.ts";
import { SourceHttpClient } from "../../http/client.ts";

export const GROUPS_STEP = "synthetic_groups";
export const ITEMS_STEP = "synthetic_items";

interface Checkpoint {
  cursor: string | null;
  done: boolean;
}

interface Page {
  records: Array<Record<string, unknown>>;
  next: string | null;
}

function setting(settings: Record<string, unknown>, name: string, fallback: number): number {
  const v = settings[name];
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : fallback;
}

async function* extract(step: string, ctx: ExtractContext): AsyncIterable<ExtractedPage> {
  if (step !== GROUPS_STEP && step !== ITEMS_STEP) throw new Error(`synthetic connector has no step ${step}`);
  const { settings, baseUrl } = ctx.integration;
  if (!baseUrl) throw new Error("the synthetic integration has no base URL");
  const checkpoint = ctx.checkpoint as Checkpoint | null;
  if (checkpoint?.done) return;
  const client = new SourceHttpClient({
    baseUrl,
    provider: "synthetic",
    pacer: false,
    maxAttempts: 3,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    maxWaitMs: setting(settings, "maxWaitMs", 2000),
    beforeSend: () => ctx.beforeRequest(),
    addressGuard: ctx.addressGuard,
  });
  let cursor = checkpoint?.cursor ?? null;
  for (;;) {
    const { body } = await client.getJson<Page>(step === GROUPS_STEP ? "/groups" : "/items", {
      limit: setting(settings, "pageSize", 100),
      cursor,
      since: step === ITEMS_STEP ? ctx.run.windowFrom?.toISOString() : undefined,
    }, { signal: ctx.signal });
    if (body.records.length > 0) {
      yield { kind: step, records: body.records, checkpoint: { cursor: body.next, done: body.next === null } };
    }
    if (body.next === null) return;
    cursor = body.next;
  }
}

interface Valid {
  id: string;
  updated: string;
  row: Record<string, unknown>;
  group?: string;
}

/** Shape check; every bad record is named, so a poison batch says exactly what to fix. */
function validate(step: string, records: unknown[]): Valid[] {
  const bad: string[] = [];
  const out: Valid[] = [];
  records.forEach((raw, i) => {
    const r = (raw ?? {}) as Record<string, unknown>;
    const id = typeof r.id === "string" && r.id ? r.id : `#${i}`;
    const updated = typeof r.updated_at === "string" && !Number.isNaN(Date.parse(r.updated_at)) ? r.updated_at : "";
    if (step === GROUPS_STEP) {
      if (id.startsWith("#") || !updated || typeof r.name !== "string") return bad.push(id);
      out.push({ id, updated, row: { name: r.name } });
    } else {
      if (id.startsWith("#") || !updated || typeof r.title !== "string" || typeof r.group !== "string") {
        return bad.push(id);
      }
      out.push({
        id,
        updated,
        group: r.group,
        row: {
          title: r.title,
          body: typeof r.body === "string" ? r.body : null,
          status: typeof r.status === "string" ? r.status : "unknown",
          points: typeof r.points === "number" ? Math.trunc(r.points) : null,
        },
      });
    }
  });
  if (bad.length > 0) throw new RecordLoadError(`${bad.length} invalid ${step} record(s): ${bad.slice(0, 10)}`, bad);
  // Collapse duplicates (newest wins) and order by key, so concurrent batches lock rows in the same order.
  const newest = new Map<string, Valid>();
  for (const v of out) if (!newest.has(v.id) || newest.get(v.id)!.updated <= v.updated) newest.set(v.id, v);
  return [...newest.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Upsert that only touches rows whose source version is not older and whose content changed. */
function upsertClause(table: string, columns: string[]): string {
  const all = [...columns, "source_updated_at"];
  const set = all.map((c) => `${c} = EXCLUDED.${c}`).join(", ");
  const cols = all.map((c) => `${table}.${c}`).join(", ");
  const excluded = all.map((c) => `EXCLUDED.${c}`).join(", ");
  return `ON CONFLICT (tenant_id, integration_id, external_id) DO UPDATE SET ${set}, updated_at = now()
    WHERE ${table}.source_updated_at <= EXCLUDED.source_updated_at AND (${cols}) IS DISTINCT FROM (${excluded})`;
}

async function loadGroups(tx: Queryable, tenantId: number, integrationId: number, rows: Valid[]) {
  return await insertMany<{ id: number }>(
    tx,
    "synthetic_groups",
    rows.map((v) => ({
      tenant_id: tenantId,
      integration_id: integrationId,
      external_id: v.id,
      source_updated_at: v.updated,
      ...v.row,
    })),
    { onConflict: upsertClause("synthetic_groups", ["name"]), returning: "id" },
  );
}

async function loadItems(tx: Queryable, tenantId: number, integrationId: number, rows: Valid[]) {
  const groupKeys = [...new Set(rows.map((v) => v.group!))];
  const groups = new Map(
    (await tx.query<{ id: number; external_id: string }>(
      `SELECT id, external_id FROM synthetic_groups
       WHERE tenant_id = $1 AND integration_id = $2 AND external_id = ANY($3::text[])`,
      [tenantId, integrationId, groupKeys],
    )).map((g) => [g.external_id, g.id]),
  );
  // Step 2 reads what step 1 loaded: a missing group means the steps ran out of order (or the source is wrong).
  const orphans = rows.filter((v) => !groups.has(v.group!)).map((v) => v.id);
  if (orphans.length > 0) {
    throw new RecordLoadError(`${orphans.length} item(s) refer to groups that are not loaded`, orphans);
  }
  return await insertMany<{ id: number }>(
    tx,
    "synthetic_items",
    rows.map((v) => ({
      tenant_id: tenantId,
      integration_id: integrationId,
      external_id: v.id,
      group_id: groups.get(v.group!),
      source_updated_at: v.updated,
      ...v.row,
    })),
    { onConflict: upsertClause("synthetic_items", ["group_id", "title", "body", "status", "points"]), returning: "id" },
  );
}

export function createSyntheticConnector(): Connector {
  return {
    type: "synthetic",
    steps: [
      { key: GROUPS_STEP, name: "Groups", order: 1 },
      { key: ITEMS_STEP, name: "Items", order: 2 },
    ],
    extract,
    async load(step, _kind, records, ctx) {
      const rows = validate(step, records);
      if (rows.length === 0) return { rows: 0 };
      const { tenantId, integrationId } = ctx.run;
      if (step === GROUPS_STEP) return { rows: (await loadGroups(ctx.tx, tenantId, integrationId, rows)).length };
      const written = await loadItems(ctx.tx, tenantId, integrationId, rows);
      return { rows: written.length, embed: [{ table: "synthetic_items", ids: written.map((w) => w.id) }] };
    },
    async embedText(table, ids, db, tenantId): Promise<EmbedDoc[]> {
      if (table !== "synthetic_items") throw new Error(`synthetic connector does not embed ${table}`);
      const rows = await db.query<{ id: number; title: string; body: string | null; status: string }>(
        "SELECT id, title, body, status FROM synthetic_items WHERE tenant_id = $1 AND id = ANY($2::bigint[])",
        [tenantId, ids],
      );
      return rows.map((r) => ({
        table,
        id: r.id,
        text: [`Title: ${r.title}`, `Status: ${r.status}`, r.body ? `Body: ${r.body}` : ""].filter(Boolean).join(" "),
      }));
    },
  };
}
