// Text the embed stage vectorises for rows the GitHub connector loaded: a pull request's comes from the vectors
// side's builder (engine/vectors/texts/prs.ts: repository and number, title, state, branches, labels, commit
// summary, body), a repository as its name, description, language and topics. Tenant-scoped: another tenant's ids
// produce nothing.
import type { Queryable } from "../../../../db/port.ts";
import type { EmbedDoc } from "../../../connector.ts";
import { compose, type EmbedQueries, embedTextFrom } from "../../common/embed_text.ts";
import { prTexts } from "../../../vectors/texts/prs.ts";

const QUERIES: EmbedQueries = {
  repositories: {
    sql: `SELECT id, full_name, description, language, topics FROM repositories
           WHERE tenant_id = $1 AND id = ANY($2::bigint[])`,
    text: (r) =>
      compose([["Repository", r.full_name], ["Description", r.description], ["Language", r.language], [
        "Topics",
        r.topics,
      ]]),
  },
};

export const EMBEDDABLE_TABLES = ["prs", ...Object.keys(QUERIES)];

const otherTexts = embedTextFrom("GitHub", QUERIES);

export function githubEmbedText(table: string, ids: number[], db: Queryable, tenantId: number): Promise<EmbedDoc[]> {
  return table === "prs" ? prTexts(db, tenantId, ids) : otherTexts(table, ids, db, tenantId);
}
