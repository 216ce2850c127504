// The record kinds Sluice embeds, each with its table, its text builder and how a search hit is shown (title and
// a link to the record in its source). Adding a kind here is all the vectors side needs; its connector names the
// changed ids in LoadResult.embed.
import type { Queryable } from "../../db/port.ts";
import type { EmbedDoc } from "../connector.ts";
import { workItemTexts } from "./texts/work_items.ts";
import { prTexts } from "./texts/prs.ts";

export interface RecordView {
  id: number;
  title: string;
  /** Link to the record in its source (Jira issue, GitHub pull request); null when the source URL is unknown. */
  url: string | null;
}

export interface RecordKind {
  kind: string;
  label: string;
  /** Texts of the tenant's active records among ids (missing/inactive ids give none). */
  texts(q: Queryable, tenantId: number, ids: number[]): Promise<EmbedDoc[]>;
  views(q: Queryable, tenantId: number, ids: number[]): Promise<RecordView[]>;
}

/** https://api.github.com → https://github.com; GitHub Enterprise https://ghe.example/api/v3 → https://ghe.example. */
export function githubWebUrl(baseUrl: string | null): string {
  if (!baseUrl) return "https://github.com";
  const u = new URL(baseUrl);
  if (u.hostname === "api.github.com") return "https://github.com";
  return `${u.origin}${u.pathname.replace(/\/api\/v3\/?$/, "").replace(/\/+$/, "")}`;
}

export const RECORD_KINDS: readonly RecordKind[] = [
  {
    kind: "work_items",
    label: "Work items",
    texts: workItemTexts,
    async views(q, tenantId, ids) {
      const rows = await q.query<{ id: number; key: string; summary: string | null; base_url: string | null }>(
        `SELECT wi.id, wi.key, wi.summary, i.base_url FROM work_items wi JOIN integrations i ON i.id = wi.integration_id
          WHERE wi.tenant_id = $1 AND wi.id = ANY($2::bigint[]) AND wi.active`,
        [tenantId, ids],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        title: `${r.key} ${r.summary ?? ""}`.trim(),
        url: r.base_url ? `${r.base_url.replace(/\/+$/, "")}/browse/${encodeURIComponent(r.key)}` : null,
      }));
    },
  },
  {
    kind: "prs",
    label: "Pull requests",
    texts: prTexts,
    async views(q, tenantId, ids) {
      const rows = await q.query<
        { id: number; number: number; title: string | null; full_name: string | null; base_url: string | null }
      >(
        `SELECT p.id, p.number, p.title, r.full_name, i.base_url FROM prs p
           JOIN integrations i ON i.id = p.integration_id LEFT JOIN repositories r ON r.id = p.repository_id
          WHERE p.tenant_id = $1 AND p.id = ANY($2::bigint[]) AND p.active`,
        [tenantId, ids],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        title: `${r.full_name ?? ""}#${r.number} ${r.title ?? ""}`.trim(),
        url: r.full_name ? `${githubWebUrl(r.base_url)}/${r.full_name}/pull/${r.number}` : null,
      }));
    },
  },
];

export function recordKind(kind: string): RecordKind | undefined {
  return RECORD_KINDS.find((k) => k.kind === kind);
}

export const KIND_NAMES = RECORD_KINDS.map((k) => k.kind) as [string, ...string[]];
