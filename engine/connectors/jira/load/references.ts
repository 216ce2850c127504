// Reference rows every Jira record points at: projects, work item types, statuses and people (identities).
// Type and status names are mapped onto the tenant's vocabulary case-insensitively (wits_mappings /
// statuses_mappings, unique on lower(name) per integration); an unknown name is stored with a NULL mapping and shows
// up in GET /app/etl/unmapped, never dropped.
import type { JiraIssueType, JiraProject, JiraStatus } from "../client/types.ts";
import {
  dedupeBy,
  idsByExternalId,
  type Scope,
  scoped,
  upsertChanged,
  type UpsertSpec,
  upsertWithIds,
} from "../../common/db_util.ts";
import { IDENTITIES } from "../../common/identities.ts";

const KEY = ["tenant_id", "integration_id", "external_id"];

export const PROJECTS: UpsertSpec = {
  table: "projects",
  columns: ["tenant_id", "integration_id", "external_id", "key", "name", "project_type", "active"],
  key: KEY,
  update: ["key", "name", "project_type", "active"],
};

export const WITS: UpsertSpec = {
  table: "wits",
  columns: ["tenant_id", "integration_id", "external_id", "original_name", "description", "hierarchy_level", "active"],
  key: KEY,
  update: ["original_name", "description", "hierarchy_level", "active"],
};

export const STATUSES: UpsertSpec = {
  table: "statuses",
  columns: ["tenant_id", "integration_id", "external_id", "original_name", "category", "description", "active"],
  key: KEY,
  update: ["original_name", "category", "description", "active"],
};

export { IDENTITIES };

export function projectRow(scope: Scope, p: JiraProject) {
  return scoped(scope, {
    external_id: String(p.id),
    key: p.key,
    name: p.name ?? p.key,
    project_type: p.projectTypeKey ?? null,
    active: true,
  });
}

export function witRow(scope: Scope, t: JiraIssueType) {
  return scoped(scope, {
    external_id: String(t.id),
    original_name: t.name,
    description: t.description || null,
    hierarchy_level: typeof t.hierarchyLevel === "number" ? t.hierarchyLevel : t.subtask ? -1 : 0,
    active: true,
  });
}

export function statusRow(scope: Scope, s: JiraStatus) {
  return scoped(scope, {
    external_id: String(s.id),
    original_name: s.name,
    category: s.statusCategory?.name ?? s.statusCategory?.key ?? "Unknown",
    description: s.description || null,
    active: true,
  });
}

/** Re-resolves statuses.status_mapping_id by name (all statuses of the integration, or the given ids). */
export async function resolveStatusMappings(scope: Scope, ids?: readonly number[]): Promise<number> {
  const rows = await scope.tx.query(
    `UPDATE statuses s SET status_mapping_id = x.mapping_id, updated_at = now()
       FROM (SELECT s2.id, m.id AS mapping_id FROM statuses s2
               LEFT JOIN statuses_mappings m ON m.tenant_id = s2.tenant_id AND m.integration_id = s2.integration_id
                    AND m.active AND lower(m.status_from) = lower(s2.original_name)
              WHERE s2.tenant_id = $1 AND s2.integration_id = $2 AND ($3::int[] IS NULL OR s2.id = ANY($3::int[]))) x
      WHERE s.id = x.id AND s.status_mapping_id IS DISTINCT FROM x.mapping_id
      RETURNING s.id`,
    [scope.tenantId, scope.integrationId, ids ? [...ids] : null],
  );
  return rows.length;
}

/** Re-resolves wits.wits_mapping_id by name (all types of the integration, or the given ids). */
export async function resolveWitMappings(scope: Scope, ids?: readonly number[]): Promise<number> {
  const rows = await scope.tx.query(
    `UPDATE wits w SET wits_mapping_id = x.mapping_id, updated_at = now()
       FROM (SELECT w2.id, m.id AS mapping_id FROM wits w2
               LEFT JOIN wits_mappings m ON m.tenant_id = w2.tenant_id AND m.integration_id = w2.integration_id
                    AND m.active AND lower(m.wit_from) = lower(w2.original_name)
              WHERE w2.tenant_id = $1 AND w2.integration_id = $2 AND ($3::int[] IS NULL OR w2.id = ANY($3::int[]))) x
      WHERE w.id = x.id AND w.wits_mapping_id IS DISTINCT FROM x.mapping_id
      RETURNING w.id`,
    [scope.tenantId, scope.integrationId, ids ? [...ids] : null],
  );
  return rows.length;
}

/** Authoritative upsert (metadata steps): rows are refreshed when Jira's values changed, mappings re-resolved. */
export async function upsertProjects(scope: Scope, projects: JiraProject[]) {
  return await upsertWithIds(scope, PROJECTS, dedupeBy(projects.map((p) => projectRow(scope, p)), extId));
}

export async function upsertWits(scope: Scope, types: JiraIssueType[]) {
  const result = await upsertWithIds(scope, WITS, dedupeBy(types.map((t) => witRow(scope, t)), extId));
  if (result.written.length) await resolveWitMappings(scope, result.written);
  return result;
}

export async function upsertStatuses(scope: Scope, statuses: JiraStatus[]) {
  const result = await upsertWithIds(scope, STATUSES, dedupeBy(statuses.map((s) => statusRow(scope, s)), extId));
  if (result.written.length) await resolveStatusMappings(scope, result.written);
  return result;
}

/**
 * Ensures reference rows seen inside issues exist, without overwriting what the metadata steps stored (an issue's
 * embedded status may carry an older name, a changelog only the name at the time). Unknown rows are inserted with
 * their mapping resolved; returns ids for every requested external id and the ids of rows it created.
 */
export async function ensureReferences(
  scope: Scope,
  spec: UpsertSpec,
  rows: Record<string, unknown>[],
  /** Ids already looked up (e.g. by the page context); the look-up is skipped then. */
  known?: Map<string, number>,
): Promise<{ ids: Map<string, number>; created: number[] }> {
  const unique = dedupeBy(rows, extId);
  const ids = known ? new Map(known) : await idsByExternalId(scope, spec.table, unique.map(extId));
  const missing = unique.filter((r) => !ids.has(extId(r)));
  if (missing.length === 0) return { ids, created: [] };
  const inserted = await upsertChanged(scope.tx, { ...spec, update: [] }, missing);
  for (const r of inserted) ids.set(r.external_id, Number(r.id));
  const still = missing.map(extId).filter((e) => !ids.has(e)); // inserted concurrently by another batch
  if (still.length) { for (const [k, v] of await idsByExternalId(scope, spec.table, still)) ids.set(k, v); }
  const created = inserted.map((r) => Number(r.id));
  if (created.length && spec.table === "statuses") await resolveStatusMappings(scope, created);
  if (created.length && spec.table === "wits") await resolveWitMappings(scope, created);
  return { ids, created };
}

export interface JiraUser {
  accountId?: string;
  key?: string;
  name?: string;
  displayName?: string;
  emailAddress?: string;
  avatarUrls?: Record<string, string>;
  [k: string]: unknown;
}

/** Cloud users are keyed by accountId; Server/Data Center users by key (or name). */
export function userExternalId(user: unknown): string | null {
  if (!user || typeof user !== "object") return null;
  const u = user as JiraUser;
  return u.accountId || u.key || u.name || null;
}

export function identityRow(scope: Scope, user: JiraUser) {
  const email = user.emailAddress?.trim() || null;
  return scoped(scope, {
    external_id: userExternalId(user),
    display_name: user.displayName ?? null,
    email,
    login: user.name ?? null,
    avatar_url: user.avatarUrls?.["48x48"] ?? null,
    // people are grouped across sources by e-mail; Cloud often hides it, then the account stays on its own
    person_key: email ? email.toLowerCase() : null,
    active: true,
  });
}

/** identities rows of the people seen in a batch, one per person. */
export function identityRows(scope: Scope, users: unknown[]): Record<string, unknown>[] {
  // the same person appears in many places of a page, sometimes with fewer attributes: merge, non-null wins
  // (a page names the same few people hundreds of times: the first row is kept and only its nulls are filled)
  const merged = new Map<string, Record<string, unknown>>();
  for (const u of users) {
    const ext = userExternalId(u);
    if (ext === null) continue;
    const prev = merged.get(ext);
    if (!prev) {
      merged.set(ext, identityRow(scope, u as JiraUser));
      continue;
    }
    let row: Record<string, unknown> | undefined;
    for (const key in prev) {
      if (prev[key] !== null) continue;
      row ??= identityRow(scope, u as JiraUser);
      prev[key] = row[key];
    }
  }
  return [...merged.values()];
}

function extId(row: Record<string, unknown>): string {
  return String(row.external_id);
}
