// /app/etl/work-items — the loaded work items, read-only: a paged list (filtered by integration, searched by key) and
// one item with its issue links (issue #12: "show blockers in the work item data the API returns"). Links are stored
// once per Jira link in its outward direction ("A blocks B", work_item_links); an item sees each link from its own
// side: `outward` with the type's outward phrase when it is the source, `inward` ("is blocked by") when it is the
// target. The other end is named by key and Jira id, with its work item id when that issue is synced too.
// `blockedBy` summarizes the links that block the item, and how many of its blockers are not done yet (a blocker
// outside the synced scope has no known status and counts as not done). Tenant-scoped: another tenant's item is a 404.
import { z } from "zod";
import { apiRouter } from "../../../server/api/route.ts";
import { errorResponse, idParams, idText } from "../../../server/api/schemas.ts";
import { containsPattern, listQuery, pageBody } from "../../../server/api/list_query.ts";
import { ApiError } from "../../../server/http_errors.ts";
import type { Queryable } from "../../../db/port.ts";

const status = z.object({
  name: z.string(),
  category: z.string().meta({ description: "the mapped status category (Done, In Progress, …), else Jira's" }),
}).nullable();

const workItem = z.object({
  id: z.number().int(),
  integrationId: z.number().int(),
  externalId: z.string(),
  key: z.string(),
  summary: z.string().nullable(),
  type: z.string().nullable(),
  status,
  active: z.boolean().meta({ description: "false once the source no longer returns the item (deleted, moved out)" }),
  sourceUpdatedAt: z.string().nullable(),
  blockedByCount: z.number().int().min(0).meta({ description: "links by which another issue blocks this one" }),
});

const link = z.object({
  linkId: z.string().meta({ description: "Jira's link id" }),
  type: z.string().meta({ description: "link type name (Blocks, Relates, Duplicate, Cloners, …)" }),
  direction: z.enum(["outward", "inward"]).meta({ description: "outward: this item is the link's source" }),
  relation: z.string().meta({ description: "the type's phrase from this item's side: `blocks`, `is blocked by`, …" }),
  linkedKey: z.string(),
  linkedExternalId: z.string(),
  linkedItemId: z.number().int().nullable().meta({ description: "the linked work item's id; null outside the scope" }),
  linkedStatus: status,
});

const blocker = z.object({
  key: z.string(),
  externalId: z.string(),
  itemId: z.number().int().nullable(),
  done: z.boolean().nullable().meta({ description: "null when the blocker is outside the synced scope" }),
});

const workItemDetail = workItem.extend({
  links: z.array(link),
  blockedBy: z.object({
    total: z.number().int().min(0),
    notDone: z.number().int().min(0).meta({ description: "blockers not done (unknown status counts as not done)" }),
    items: z.array(blocker),
  }),
});

type WorkItem = z.infer<typeof workItem>;
type Link = z.infer<typeof link>;

/** A link type that blocks: Jira's "Blocks" (outward `blocks`, inward `is blocked by`) under any name. */
const BLOCKS = "(lower(l.outward) = 'blocks' OR lower(l.inward) = 'is blocked by')";

/** Name and category of a work item's status (the tenant's mapping's category when the status is mapped). */
const STATUS_OF = (alias: string) => `
  CASE WHEN ${alias}_s.id IS NULL THEN NULL ELSE json_build_object('name', ${alias}_s.original_name,
    'category', coalesce(${alias}_m.status_category, ${alias}_s.category)) END`;
const STATUS_JOIN = (alias: string) => `
  LEFT JOIN statuses ${alias}_s ON ${alias}_s.id = ${alias}.status_id
  LEFT JOIN statuses_mappings ${alias}_m ON ${alias}_m.id = ${alias}_s.status_mapping_id`;

const SELECT = `
  SELECT wi.id, wi.integration_id AS "integrationId", wi.external_id AS "externalId", wi.key, wi.summary,
         w.original_name AS type, ${STATUS_OF("wi")} AS status, wi.active,
         to_char(wi.source_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "sourceUpdatedAt",
         (SELECT count(*)::int FROM work_item_links l
           WHERE l.tenant_id = wi.tenant_id AND l.integration_id = wi.integration_id
             AND l.target_external_id = wi.external_id AND ${BLOCKS}) AS "blockedByCount"
    FROM work_items wi LEFT JOIN wits w ON w.id = wi.wit_id ${STATUS_JOIN("wi")}`;

/** The item's links from its side, with the other end's work item and status when it is in scope. */
const LINKS = `
  SELECT l.external_id AS "linkId", l.type_name AS type,
         CASE WHEN l.source_external_id = $3 THEN 'outward' ELSE 'inward' END AS direction,
         CASE WHEN l.source_external_id = $3 THEN l.outward ELSE l.inward END AS relation,
         CASE WHEN l.source_external_id = $3 THEN l.target_key ELSE l.source_key END AS "linkedKey",
         o.ext AS "linkedExternalId", other.id AS "linkedItemId", ${STATUS_OF("other")} AS "linkedStatus",
         (l.target_external_id = $3 AND ${BLOCKS}) AS blocks_me
    FROM work_item_links l
    CROSS JOIN LATERAL (SELECT CASE WHEN l.source_external_id = $3 THEN l.target_external_id
                                    ELSE l.source_external_id END AS ext) o
    LEFT JOIN work_items other ON other.tenant_id = l.tenant_id AND other.integration_id = l.integration_id
     AND other.external_id = o.ext ${STATUS_JOIN("other")}
   WHERE l.tenant_id = $1 AND l.integration_id = $2 AND (l.source_external_id = $3 OR l.target_external_id = $3)
   ORDER BY l.type_name, direction, "linkedKey", l.external_id`;

function shapeItem(r: WorkItem): WorkItem {
  const s = typeof r.status === "string" ? JSON.parse(r.status) : r.status;
  return { ...r, id: Number(r.id), integrationId: Number(r.integrationId), status: s };
}

async function detailOf(db: Queryable, tenantId: number, itemId: number) {
  const [row] = await db.query<WorkItem>(`${SELECT} WHERE wi.tenant_id = $1 AND wi.id = $2`, [tenantId, itemId]);
  if (!row) throw new ApiError(404, "not_found", "no such work item");
  const item = shapeItem(row);
  const rows = await db.query<Link & { blocks_me: boolean }>(LINKS, [tenantId, item.integrationId, item.externalId]);
  const links = rows.map(({ blocks_me: _, ...l }) => ({
    ...l,
    linkedItemId: l.linkedItemId === null ? null : Number(l.linkedItemId),
    linkedStatus: typeof l.linkedStatus === "string" ? JSON.parse(l.linkedStatus) : l.linkedStatus,
  }));
  const items = links.filter((_, i) => rows[i].blocks_me).map((l) => ({
    key: l.linkedKey,
    externalId: l.linkedExternalId,
    itemId: l.linkedItemId,
    done: l.linkedStatus ? l.linkedStatus.category.toLowerCase() === "done" : null,
  }));
  return { ...item, links, blockedBy: { total: items.length, notDone: items.filter((b) => !b.done).length, items } };
}

export function workItemRoutes() {
  const r = apiRouter("/app/etl/work-items", "work items");

  r.route({
    method: "get",
    path: "/",
    summary: "Loaded work items, newest change first",
    description: "`q` searches the key (e.g. `PROJ-12` or `PROJ-`); `integrationId` limits to one integration.",
    query: listQuery({ integrationId: idText.optional() }),
    responses: { 200: { description: "a page of work items", schema: pageBody(workItem) } },
  }, async (c, { query }) => {
    const { db } = c.get("deps");
    const args = [c.get("auth").tenantId, query.integrationId ?? null, query.q ? containsPattern(query.q) : null];
    const where = `WHERE wi.tenant_id = $1 AND ($2::int IS NULL OR wi.integration_id = $2)
      AND ($3::text IS NULL OR wi.key ILIKE $3)`;
    const [{ total }] = await db.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM work_items wi ${where}`,
      args,
    );
    const rows = await db.query<WorkItem>(
      `${SELECT} ${where} ORDER BY wi.source_updated_at DESC NULLS LAST, wi.id DESC LIMIT $4 OFFSET $5`,
      [...args, query.limit, query.offset],
    );
    return c.json({ items: rows.map(shapeItem), total: Number(total), limit: query.limit, offset: query.offset });
  });

  r.route({
    method: "get",
    path: "/:id",
    summary: "One work item with its issue links and what blocks it",
    params: idParams,
    responses: {
      200: { description: "the work item, its links from its side and its blockers", schema: workItemDetail },
      404: errorResponse("no such work item in the caller's tenant"),
    },
  }, async (c, { params }) => {
    return c.json(await detailOf(c.get("deps").db, c.get("auth").tenantId, params.id));
  });
  return r.app;
}
