// Transform + load of step 1: repositories upserted on (tenant, integration, external_id = GitHub's numeric id,
// the id Jira's development panel names), and the scope page that deactivates repositories no longer listed
// (deleted, renamed out of the filter, archived while archived ones are excluded) and reactivates returning ones.
import type { GhRepository } from "../client/types.ts";
import type { ScopeRecord } from "../extract/repositories.ts";
import { dedupeBy, type Scope, scoped, upsertChanged, type UpsertSpec } from "../../common/db_util.ts";

const OWN = [
  "node_id",
  "name",
  "full_name",
  "owner",
  "description",
  "language",
  "default_branch",
  "visibility",
  "is_private",
  "archived",
  "fork",
  "topics",
  "stargazers_count",
  "forks_count",
  "open_issues_count",
  "repo_created_at",
  "repo_updated_at",
  "pushed_at",
  "active",
];
export const REPOSITORIES: UpsertSpec = {
  table: "repositories",
  columns: ["tenant_id", "integration_id", "external_id", ...OWN],
  key: ["tenant_id", "integration_id", "external_id"],
  update: OWN,
};

export function repositoryRow(scope: Scope, r: GhRepository) {
  return scoped(scope, {
    external_id: String(r.id),
    node_id: r.node_id ?? null,
    name: r.name,
    full_name: r.full_name,
    owner: r.owner?.login ?? r.full_name.split("/")[0],
    description: r.description ?? null,
    language: r.language ?? null,
    default_branch: r.default_branch ?? null,
    visibility: r.visibility ?? (r.private ? "private" : "public"),
    is_private: r.private ?? null,
    archived: r.archived ?? false,
    fork: r.fork ?? false,
    topics: [...(r.topics ?? [])].sort(),
    stargazers_count: r.stargazers_count ?? null,
    forks_count: r.forks_count ?? null,
    open_issues_count: r.open_issues_count ?? null,
    repo_created_at: r.created_at ?? null,
    repo_updated_at: r.updated_at ?? null,
    pushed_at: r.pushed_at ?? null,
    active: true,
  });
}

export async function loadRepositories(scope: Scope, records: GhRepository[]) {
  const rows = dedupeBy(records.map((r) => repositoryRow(scope, r)), (r) => String(r.external_id));
  const written = await upsertChanged(scope.tx, REPOSITORIES, rows);
  return { rows: written.length, repositories: written.map((r) => Number(r.id)) };
}

export async function loadScope(scope: Scope, records: ScopeRecord[]) {
  const listed = records.flatMap((r) => r.repositoryIds);
  const changed = await scope.tx.query<{ id: number }>(
    `UPDATE repositories SET active = (external_id = ANY($3::text[])), updated_at = now()
      WHERE tenant_id = $1 AND integration_id = $2 AND active IS DISTINCT FROM (external_id = ANY($3::text[]))
      RETURNING id`,
    [scope.tenantId, scope.integrationId, listed],
  );
  return { rows: changed.length };
}
