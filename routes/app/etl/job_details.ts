// GET /app/etl/jobs/:id/details — what the details modal shows: the job card, its integration (never its
// credentials, only whether some are stored), provider-specific counts of the rows loaded for that integration,
// the vectors stored for it, and the last runs (for the history chart). Any role may read; tenant-scoped.
import { z } from "zod";
import { ApiError } from "../../../server/http_errors.ts";
import { apiRouter } from "../../../server/api/route.ts";
import { errorResponse, idParams } from "../../../server/api/schemas.ts";
import { jobCard, runSummary, timestamp } from "../../../server/api/shapes.ts";
import type { Queryable } from "../../../db/port.ts";
import { getJobCard, listRuns } from "../../../db/jobs.ts";
import { installedJobTypes } from "../../../server/engine_services.ts";
import type { Figure, JobDetailsData, RateBudget } from "../../../components/jobs/types.ts";
import { missingSprintReports, missingSprintReportsOf } from "./sprint_report_gaps.ts";
import { LINK_FIGURES } from "../../../engine/connectors/entra/load/links.ts";

const HISTORY_RUNS = 20;

/** Per provider: the tables filled for an integration, in display order. Names are constants, never input. */
interface FigureSource {
  key: string;
  label: string;
  table?: string;
  activeOnly?: boolean;
  /** A count of its own ($1 tenant, $2 integration) instead of a table's rows. */
  sql?: string;
}

const PROVIDER_TABLES: Record<string, FigureSource[]> = {
  jira: [
    { key: "projects", label: "Projects", table: "projects" },
    { key: "issues", label: "Issues", table: "work_items" },
    { key: "changelogs", label: "Changelogs", table: "changelogs" },
    { key: "sprints", label: "Sprints", table: "sprints" },
    { key: "issue_types", label: "Issue types", table: "wits" },
    { key: "statuses", label: "Statuses", table: "statuses" },
    { key: "pr_links", label: "Issue ↔ PR links", table: "work_items_prs_links" },
  ],
  github: [
    { key: "repositories", label: "Repositories", table: "repositories" },
    { key: "prs", label: "Pull requests", table: "prs" },
    { key: "commits", label: "Commits", table: "prs_commits", activeOnly: true },
    { key: "reviews", label: "Reviews", table: "prs_reviews", activeOnly: true },
    { key: "comments", label: "Comments", table: "prs_comments", activeOnly: true },
    { key: "links", label: "Jira links", table: "work_items_prs_links", activeOnly: true },
    { key: "people", label: "People", table: "identities" },
  ],
  ad: [
    { key: "users", label: "Directory users", table: "directory_people", activeOnly: true },
    { key: "groups", label: "Groups", table: "directory_groups", activeOnly: true },
    { key: "memberships", label: "Memberships", table: "directory_group_members" },
    { key: "linked", label: "People linked to Jira/GitHub", sql: LINK_FIGURES.linked },
    { key: "unlinked", label: "Identities to review (unlinked)", sql: LINK_FIGURES.unlinked },
  ],
  fabric: [
    { key: "tables", label: "Delta tables loaded", table: "fabric_tables" },
    {
      key: "rows",
      label: "Rows",
      sql: "SELECT coalesce(sum(live_rows), 0) FROM fabric_tables WHERE tenant_id = $1 AND integration_id = $2",
    },
  ],
};

interface IntegrationRow {
  id: number;
  name: string;
  provider: string;
  active: boolean;
  base_url: string | null;
  settings: Record<string, unknown> | null;
  has_credentials: boolean;
}

export async function providerFigures(
  db: Queryable,
  tenantId: number,
  integrationId: number,
  provider: string,
): Promise<Figure[]> {
  const tables = PROVIDER_TABLES[provider] ?? [];
  if (!tables.length) return [];
  const columns = tables.map((t, i) =>
    t.sql
      ? `(${t.sql})::int AS c${i}`
      : `(SELECT count(*) FROM ${t.table} WHERE tenant_id = $1 AND integration_id = $2${
        t.activeOnly ? " AND active" : ""
      })::int AS c${i}`
  );
  const [row] = await db.query<Record<string, number>>(`SELECT ${columns.join(", ")}`, [tenantId, integrationId]);
  return tables.map((t, i) => ({ key: t.key, label: t.label, value: Number(row[`c${i}`]) }));
}

/** What the integration is set to read, in words (Jira projects, GitHub organization and repository filter). */
export function integrationScope(
  provider: string,
  settings: Record<string, unknown> | null,
  notes: Array<{ label: string; value: string }> = [],
) {
  const s = settings ?? {};
  const list = (v: unknown) => (Array.isArray(v) && v.length ? v.map(String).join(", ") : null);
  // settings store projectKeys; rows written before that name them `projects`
  if (provider === "jira") {
    return [{ label: "Projects", value: list(s.projectKeys) ?? list(s.projects) ?? "all visible projects" }];
  }
  if (provider === "github") {
    const skipped = [s.includeArchived ? null : "archived", s.includeForks ? null : "forks"].filter(Boolean);
    return [
      {
        label: "Organizations",
        value: typeof s.organization === "string" && s.organization ? s.organization : "not set",
      },
      { label: "Repositories", value: list(s.repositoryFilter) ?? "all in the organization" },
      ...(skipped.length ? [{ label: "Skipped", value: skipped.join(" and ") }] : []),
    ];
  }
  if (provider === "ad") return [{ label: "Groups", value: list(s.groupIds) ?? "all groups" }, ...notes];
  if (provider === "fabric") {
    const tables = Array.isArray(s.tables) ? s.tables.map((t) => String(t).split(":")[0]) : [];
    return [
      { label: "Lakehouse", value: s.workspace && s.lakehouse ? `${s.workspace} / ${s.lakehouse}` : "not set" },
      { label: "Tables", value: tables.length ? tables.join(", ") : "none configured" },
      ...notes,
    ];
  }
  return notes;
}

/**
 * Entra ID: why the directory was last walked in full (first sync, or an expired delta link), per resource.
 * Fabric: per table, the Delta version read, rows, last change and any warning (e.g. a full read after a vacuum).
 */
async function providerNotes(db: Queryable, tenantId: number, integrationId: number, provider: string) {
  if (provider === "fabric") return await fabricNotes(db, tenantId, integrationId);
  if (provider !== "ad") return [];
  const rows = await db.query<{ resource: string; full_walk_reason: string | null; full_walk_at: Date | null }>(
    `SELECT resource, full_walk_reason, full_walk_at FROM directory_delta_state
      WHERE tenant_id = $1 AND integration_id = $2 AND full_walk_reason IS NOT NULL ORDER BY resource`,
    [tenantId, integrationId],
  );
  return rows.map((r) => ({
    label: `Last full walk of ${r.resource}`,
    value: `${r.full_walk_reason}${r.full_walk_at ? ` (${new Date(r.full_walk_at).toISOString()})` : ""}`,
  }));
}

function notConfiguredReason(integration: IntegrationRow, figures: Figure[]): string | null {
  if (!integration.has_credentials) {
    return `Not configured: no credentials are stored for ${integration.name}; runs cannot read from it until they are added.`;
  }
  if (!figures.length) return `Connected, but ${integration.name} has no data tables in Sluice yet.`;
  return null;
}

const figure = z.object({ key: z.string(), label: z.string(), value: z.number().int().min(0) });

const jobDetails = z.object({
  job: jobCard,
  integration: z.object({
    id: z.number().int(),
    name: z.string(),
    provider: z.string(),
    active: z.boolean(),
    baseUrl: z.string().nullable(),
    hasCredentials: z.boolean(),
    scope: z.array(z.object({ label: z.string(), value: z.string() })),
  }),
  figures: z.array(figure).meta({ description: "provider-specific counts of the rows loaded for the integration" }),
  notConfigured: z.string().nullable().meta({ description: "why there is nothing to show yet, if so" }),
  vectors: z.number().int().min(0),
  lastRun: runSummary.nullable(),
  runs: z.array(runSummary),
  rateBudgets: z.array(z.object({
    resource: z.string(),
    unlimited: z.boolean().meta({ description: "the source reports no limit" }),
    limit: z.number().int().nullable(),
    remaining: z.number().int().nullable(),
    resetAt: timestamp.nullable(),
    lastCost: z.number().nullable(),
    observedAt: timestamp,
  })).optional().meta({ description: "the budget the source last reported per resource (GitHub: core, graphql)" }),
  missingSprintReports: missingSprintReports.optional(),
});

/** The budget the source last reported per resource (GitHub: core, graphql), for the details' rate figures. */
async function rateBudgetsOf(db: Queryable, tenantId: number, integrationId: number): Promise<RateBudget[]> {
  const rows = await db.query<{
    resource: string;
    unlimited: boolean;
    limit_total: number | null;
    remaining: number | null;
    reset_at: Date | null;
    last_cost: number | null;
    observed_at: Date;
  }>(
    `SELECT resource, unlimited, limit_total, remaining, reset_at, last_cost, observed_at FROM source_rate_limits
      WHERE tenant_id = $1 AND integration_id = $2 ORDER BY resource`,
    [tenantId, integrationId],
  );
  return rows.map((r) => ({
    resource: r.resource,
    unlimited: r.unlimited,
    limit: r.limit_total,
    remaining: r.remaining,
    resetAt: r.reset_at ? new Date(r.reset_at).toISOString() : null,
    lastCost: r.last_cost,
    observedAt: new Date(r.observed_at).toISOString(),
  }));
}

async function fabricNotes(db: Queryable, tenantId: number, integrationId: number) {
  const rows = await db.query<{
    source_table: string;
    delta_version: string | number | null;
    live_rows: string | number;
    last_change_at: Date | null;
    warning: string | null;
  }>(
    `SELECT source_table, delta_version, live_rows, last_change_at, warning FROM fabric_tables
      WHERE tenant_id = $1 AND integration_id = $2 ORDER BY source_table`,
    [tenantId, integrationId],
  );
  return rows.map((r) => ({
    label: `Table ${r.source_table}`,
    value: [
      r.delta_version === null ? "not read yet" : `Delta version ${r.delta_version}`,
      `${Number(r.live_rows)} rows`,
      r.last_change_at ? `last change ${new Date(r.last_change_at).toISOString()}` : null,
      r.warning ? `warning: ${r.warning}` : null,
    ].filter(Boolean).join("; "),
  }));
}

export function jobDetailsRoutes() {
  const r = apiRouter("/app/etl/jobs", "jobs");
  r.route({
    method: "get",
    path: "/:id/details",
    summary: "What the job details dialog shows",
    description: "The job card, its integration (never its credentials), counts of loaded rows, stored vectors and " +
      `the last ${HISTORY_RUNS} runs.`,
    params: idParams,
    responses: {
      200: { description: "the details", schema: jobDetails },
      404: errorResponse("no such job in the caller's tenant"),
    },
  }, async (c, { params }) => {
    const { db } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const job = await getJobCard(db, tenantId, params.id, { jobTypes: installedJobTypes(c.get("deps").services) });
    if (!job) throw new ApiError(404, "not_found", "no such job");
    const [integration] = await db.query<IntegrationRow>(
      `SELECT id, name, provider, active, base_url, settings, credentials_enc IS NOT NULL AS has_credentials
         FROM integrations WHERE tenant_id = $1 AND id = $2`,
      [tenantId, job.integration.id],
    );
    const [figures, [vectors], runs, rateBudgets, notes] = await Promise.all([
      providerFigures(db, tenantId, integration.id, integration.provider),
      db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM qdrant_vectors WHERE tenant_id = $1 AND integration_id = $2 AND active",
        [tenantId, integration.id],
      ),
      listRuns(db, tenantId, job.id, HISTORY_RUNS),
      rateBudgetsOf(db, tenantId, integration.id),
      providerNotes(db, tenantId, integration.id, integration.provider),
    ]);
    const body: JobDetailsData = {
      job,
      integration: {
        id: integration.id,
        name: integration.name,
        provider: integration.provider,
        active: integration.active,
        baseUrl: integration.base_url,
        hasCredentials: integration.has_credentials,
        scope: integrationScope(integration.provider, integration.settings, notes),
      },
      figures,
      notConfigured: notConfiguredReason(integration, figures),
      vectors: Number(vectors.n),
      lastRun: runs[0] ?? null,
      runs,
      rateBudgets,
    };
    if (integration.provider === "jira" && runs[0]) {
      body.missingSprintReports = await missingSprintReportsOf(db, tenantId, runs[0].id);
    }
    return c.json(body);
  });
  return r.app;
}
