// Issue links (issue #12): each link is stored once by Jira's link id, in its outward direction ("source blocks
// target"), whichever of its two issues it was read from. An issue's `issuelinks` is the complete list of its links,
// so loading an issue also removes its stored links that Jira no longer lists: a removal is reconciled on the next
// sync of either end. The far end may be outside the synced projects or window; it is kept by id and key.
import { insertMany } from "../../../../db/port.ts";
import { log } from "../../../../lib/log.ts";
import type { Scope } from "../../common/db_util.ts";
import type { PreparedIssue } from "./issue_row.ts";

export interface JiraLinkType {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

interface LinkedIssue {
  id?: string | number;
  key?: string;
}

interface IssueLink {
  id?: string | number;
  type?: Partial<JiraLinkType>;
  inwardIssue?: LinkedIssue;
  outwardIssue?: LinkedIssue;
}

export interface LinkRow {
  external_id: string;
  type_external_id: string;
  type_name: string;
  inward: string;
  outward: string;
  source_external_id: string;
  source_key: string;
  target_external_id: string;
  target_key: string;
}

const LINK_COLUMNS = [
  "external_id",
  "type_external_id",
  "type_name",
  "inward",
  "outward",
  "source_external_id",
  "source_key",
  "target_external_id",
  "target_key",
];

/** One `issuelinks` entry as a row, or null when it lacks what a link needs (id, type, the other issue). */
export function linkRow(self: { id: string; key: string }, link: IssueLink): LinkRow | null {
  const other = link.outwardIssue ?? link.inwardIssue;
  const type = link.type;
  if (link.id === undefined || !type?.id || other?.id === undefined || !other.key) return null;
  const far = { id: String(other.id), key: other.key };
  // outwardIssue present: this issue <outward> that one; inwardIssue present: that one <outward> this one
  const [source, target] = link.outwardIssue ? [self, far] : [far, self];
  return {
    external_id: String(link.id),
    type_external_id: String(type.id),
    type_name: type.name ?? "",
    inward: type.inward ?? "",
    outward: type.outward ?? "",
    source_external_id: source.id,
    source_key: source.key,
    target_external_id: target.id,
    target_key: target.key,
  };
}

/** Stores the links of a page's issues and removes those issues' links Jira no longer lists. */
export async function storeIssueLinks(scope: Scope, issues: PreparedIssue[]): Promise<number> {
  const listed = issues.filter((p) => Array.isArray(p.fields.issuelinks));
  if (listed.length === 0) return 0;
  const rows = new Map<string, LinkRow>();
  const current: Array<{ id: string; links: string[] }> = [];
  let malformed = 0;
  for (const { issue, fields } of listed) {
    const self = { id: String(issue.id), key: issue.key };
    const ids: string[] = [];
    for (const link of fields.issuelinks as IssueLink[]) {
      const row = linkRow(self, link);
      if (!row) {
        malformed++;
        continue;
      }
      rows.set(row.external_id, row);
      ids.push(row.external_id);
    }
    current.push({ id: self.id, links: ids });
  }
  if (malformed) log.warn("jira issue links without id, type or linked issue were not stored", { malformed });
  const removed = await scope.tx.query(
    `DELETE FROM work_item_links l USING jsonb_to_recordset($3::jsonb) s(id text, links text[])
      WHERE l.tenant_id = $1 AND l.integration_id = $2
        AND (l.source_external_id = s.id OR l.target_external_id = s.id) AND NOT (l.external_id = ANY(s.links))
      RETURNING l.external_id`,
    [scope.tenantId, scope.integrationId, JSON.stringify(current)],
  );
  // a fixed order keeps two batches that share links from deadlocking
  const sorted = [...rows.values()].sort((a, b) => a.external_id.localeCompare(b.external_id));
  const written = await insertMany(
    scope.tx,
    "work_item_links",
    sorted.map((r) => ({ tenant_id: scope.tenantId, integration_id: scope.integrationId, ...r })),
    {
      columns: ["tenant_id", "integration_id", ...LINK_COLUMNS],
      onConflict: `ON CONFLICT (tenant_id, integration_id, external_id) DO UPDATE SET ${
        LINK_COLUMNS.slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(", ")
      } WHERE (${LINK_COLUMNS.slice(1).map((c) => `work_item_links.${c}`).join(", ")}) IS DISTINCT FROM (${
        LINK_COLUMNS.slice(1).map((c) => `EXCLUDED.${c}`).join(", ")
      })`,
      returning: "external_id",
    },
  );
  return removed.length + written.length;
}

/** Upserts the site's link types (GET /issueLinkType). */
export async function loadLinkTypes(scope: Scope, types: JiraLinkType[]): Promise<number> {
  const unique = [...new Map(types.map((t) => [String(t.id), t])).values()];
  const written = await insertMany(
    scope.tx,
    "jira_link_types",
    unique.map((t) => ({
      tenant_id: scope.tenantId,
      integration_id: scope.integrationId,
      external_id: String(t.id),
      name: t.name,
      inward: t.inward,
      outward: t.outward,
    })),
    {
      onConflict: `ON CONFLICT (tenant_id, integration_id, external_id) DO UPDATE
        SET name = EXCLUDED.name, inward = EXCLUDED.inward, outward = EXCLUDED.outward
        WHERE (jira_link_types.name, jira_link_types.inward, jira_link_types.outward)
          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.inward, EXCLUDED.outward)`,
      returning: "external_id",
    },
  );
  return written.length;
}
