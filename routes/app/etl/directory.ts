// /app/etl/directory — Jira/GitHub identities and the Entra ID person each is linked to, for review: automatic
// links (same e-mail as the person's mail or user principal name) and an admin's manual override, which either
// names the person or says "nobody" and is never replaced by automatic matching. Removing the override lets
// automatic matching decide again, at once. Any role reads; admins change links. Tenant-scoped: another tenant's
// identity or person is a 404. Both lists are server-paged and searched (`q`, case-insensitive "contains") in the
// list routes' shape, so the AD job's details dialog pages and searches without holding the directory.
import { z } from "zod";
import { ApiError } from "../../../server/http_errors.ts";
import { apiRouter } from "../../../server/api/route.ts";
import { errorResponse, id, idParams } from "../../../server/api/schemas.ts";
import { containsPattern, listQuery, pageBody } from "../../../server/api/list_query.ts";
import type { Queryable } from "../../../db/port.ts";
import { relinkIdentities } from "../../../engine/connectors/entra/load/links.ts";

const person = z.object({
  id: z.number().int(),
  displayName: z.string().nullable(),
  mail: z.string().nullable(),
  userPrincipalName: z.string().nullable(),
  department: z.string().nullable(),
  jobTitle: z.string().nullable(),
});

const identityView = z.object({
  id: z.number().int(),
  integrationId: z.number().int(),
  provider: z.string(),
  externalId: z.string(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  method: z.enum(["mail", "upn", "manual"]).nullable().meta({ description: "how the link was made; null = none" }),
  person: person.nullable(),
});

/** What `q` matches: an identity's name, account id or e-mail; a person's name, mail or user principal name. */
const IDENTITY_SEARCH = "(i.display_name ILIKE $2 OR i.external_id ILIKE $2 OR i.email ILIKE $2)";
const PERSON_SEARCH = "(p.display_name ILIKE $2 OR p.mail ILIKE $2 OR p.user_principal_name ILIKE $2)";

const STATUS = {
  unlinked: "l.identity_id IS NULL",
  linked: "l.person_id IS NOT NULL",
  manual: "l.method = 'manual'",
  all: "true",
} as const;

const SELECT = `
  SELECT i.id, i.integration_id AS "integrationId", ig.provider, i.external_id AS "externalId",
         i.display_name AS "displayName", i.email, l.method,
         CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, 'displayName', p.display_name,
           'mail', p.mail, 'userPrincipalName', p.user_principal_name, 'department', p.department,
           'jobTitle', p.job_title) END AS person
    FROM identities i
    JOIN integrations ig ON ig.id = i.integration_id AND ig.provider IN ('jira', 'github')
    LEFT JOIN directory_identity_links l ON l.tenant_id = i.tenant_id AND l.identity_id = i.id
    LEFT JOIN directory_people p ON p.id = l.person_id`;

type Row = z.infer<typeof identityView>;

function shape(r: Row): Row {
  const p = typeof r.person === "string" ? JSON.parse(r.person) : r.person;
  return { ...r, id: Number(r.id), person: p ? { ...p, id: Number(p.id) } : null };
}

async function identityOf(db: Queryable, tenantId: number, identityId: number): Promise<Row> {
  const [row] = await db.query<Row>(`${SELECT} WHERE i.tenant_id = $1 AND i.id = $2`, [tenantId, identityId]);
  if (!row) throw new ApiError(404, "not_found", "no such Jira or GitHub identity");
  return shape(row);
}

export function directoryRoutes() {
  const r = apiRouter("/app/etl/directory", "directory");
  r.route({
    method: "get",
    path: "/identities",
    summary: "Jira and GitHub identities with the directory person each is linked to",
    description: "`status=unlinked` lists the identities to review (no link and no manual decision); `q` searches " +
      "name, account id and e-mail.",
    query: listQuery({ status: z.enum(["unlinked", "linked", "manual", "all"]).prefault("all") }),
    responses: { 200: { description: "identities, unlinked first", schema: pageBody(identityView) } },
  }, async (c, { query }) => {
    const { db } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const where = `WHERE i.tenant_id = $1 AND i.active AND ${
      STATUS[query.status]
    } AND ($2::text IS NULL OR ${IDENTITY_SEARCH})`;
    const args = [tenantId, query.q ? containsPattern(query.q) : null];
    const rows = await db.query<Row>(
      `${SELECT} ${where} ORDER BY (l.identity_id IS NULL) DESC, lower(coalesce(i.display_name, i.external_id)), i.id
       LIMIT $3 OFFSET $4`,
      [...args, query.limit, query.offset],
    );
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${SELECT} ${where}) x`, args);
    return c.json({ items: rows.map(shape), total: Number(n), limit: query.limit, offset: query.offset });
  });

  r.route({
    method: "get",
    path: "/people",
    summary: "Active directory people, to pick the one an identity belongs to",
    description: "`q` searches display name, mail and user principal name.",
    query: listQuery({}, 10, 50),
    responses: { 200: { description: "people by name", schema: pageBody(person) } },
  }, async (c, { query }) => {
    const { db } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const where = `WHERE p.tenant_id = $1 AND p.active AND ($2::text IS NULL OR ${PERSON_SEARCH})`;
    const args = [tenantId, query.q ? containsPattern(query.q) : null];
    const rows = await db.query<z.infer<typeof person>>(
      `SELECT p.id, p.display_name AS "displayName", p.mail, p.user_principal_name AS "userPrincipalName",
              p.department, p.job_title AS "jobTitle"
         FROM directory_people p ${where}
        ORDER BY lower(coalesce(p.display_name, p.mail, p.external_id)), p.id LIMIT $3 OFFSET $4`,
      [...args, query.limit, query.offset],
    );
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM directory_people p ${where}`, args);
    return c.json({
      items: rows.map((p) => ({ ...p, id: Number(p.id) })),
      total: Number(n),
      limit: query.limit,
      offset: query.offset,
    });
  });

  r.route({
    method: "put",
    path: "/identities/:id/link",
    summary: "Link an identity to a directory person by hand (or to nobody)",
    description: "`personId: null` says the identity has no directory person; automatic matching never overrides it.",
    roles: ["admin"],
    params: idParams,
    body: z.object({ personId: id.nullable() }).strict(),
    responses: {
      200: { description: "the identity with its link", schema: identityView },
      404: errorResponse("no such identity in the caller's tenant"),
    },
  }, async (c, { params, body }) => {
    const { db } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    await identityOf(db, tenantId, params.id);
    if (body.personId !== null) {
      const [found] = await db.query("SELECT 1 FROM directory_people WHERE tenant_id = $1 AND id = $2", [
        tenantId,
        body.personId,
      ]);
      if (!found) {
        throw new ApiError(400, "validation_failed", "personId: no such directory person in this tenant", [
          { field: "personId", message: "no such directory person in this tenant" },
        ]);
      }
    }
    await db.query(
      `INSERT INTO directory_identity_links (tenant_id, identity_id, person_id, method) VALUES ($1, $2, $3, 'manual')
       ON CONFLICT (tenant_id, identity_id) DO UPDATE SET person_id = EXCLUDED.person_id, method = 'manual',
         updated_at = now()`,
      [tenantId, params.id, body.personId],
    );
    return c.json(await identityOf(db, tenantId, params.id));
  });

  r.route({
    method: "delete",
    path: "/identities/:id/link",
    summary: "Remove a manual link: automatic matching decides again",
    roles: ["admin"],
    params: idParams,
    responses: {
      200: { description: "the identity with its automatic link, if any", schema: identityView },
      404: errorResponse("no such identity in the caller's tenant"),
    },
  }, async (c, { params }) => {
    const { db } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    await identityOf(db, tenantId, params.id);
    await db.transaction(async (tx) => {
      await tx.query(
        "DELETE FROM directory_identity_links WHERE tenant_id = $1 AND identity_id = $2 AND method = 'manual'",
        [
          tenantId,
          params.id,
        ],
      );
      await relinkIdentities(tx, tenantId, [params.id]);
    });
    return c.json(await identityOf(db, tenantId, params.id));
  });
  return r.app;
}
