// How every connector writes the text the embed stage vectorises (study §7.2): "Label: value" fields joined by
// single spaces, empty fields skipped, lists joined with commas, the whole bounded in size; and the embedText of a
// connector built from one tenant-scoped query per table (another tenant's ids produce nothing). Work items and pull
// requests have their builders in engine/vectors/texts (the embed stage, re-embedding and search share them).
import type { Queryable } from "../../../db/port.ts";
import type { EmbedDoc } from "../../connector.ts";

export type EmbedRow = Record<string, unknown> & { id: number };
export type EmbedQueries = Record<string, { sql: string; text: (r: EmbedRow) => string }>;

/** One composer for every embedded text: "Label: value" parts, bounded in size (engine/vectors/texts/compose.ts). */
export { compose } from "../../vectors/texts/compose.ts";

/** Connector.embedText over per-table queries taking ($1 tenant id, $2 bigint[] row ids). */
export function embedTextFrom(connector: string, queries: EmbedQueries) {
  return async (table: string, ids: number[], db: Queryable, tenantId: number): Promise<EmbedDoc[]> => {
    const q = queries[table];
    if (!q) throw new Error(`the ${connector} connector does not embed table ${table}`);
    if (ids.length === 0) return [];
    const rows = await db.query<EmbedRow>(q.sql, [tenantId, ids]);
    return rows.map((r) => ({ table, id: Number(r.id), text: q.text(r) })).filter((d) => d.text !== "");
  };
}
