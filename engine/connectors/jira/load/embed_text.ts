// What the Jira connector asks the embed stage to vectorise: work items only (the text builder is the vectors
// side's, engine/vectors/texts/work_items.ts, shared with re-embedding and search). Projects, types, statuses and
// sprints are not embedded: as search results they were noise.
import type { Queryable } from "../../../../db/port.ts";
import type { EmbedDoc } from "../../../connector.ts";
import { workItemTexts } from "../../../vectors/texts/work_items.ts";

export const EMBEDDABLE_TABLES = ["work_items"];

export async function jiraEmbedText(
  table: string,
  ids: number[],
  db: Queryable,
  tenantId: number,
): Promise<EmbedDoc[]> {
  if (table !== "work_items") throw new Error(`the Jira connector does not embed table ${table}`);
  return await workItemTexts(db, tenantId, ids);
}
