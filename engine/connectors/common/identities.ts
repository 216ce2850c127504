// People across sources: one identities row per source account (Jira account, GitHub login), grouped into a
// person by person_key (the lower-cased e-mail), so the same person's Jira and GitHub accounts meet.
import type { UpsertSpec } from "./db_util.ts";

export const IDENTITIES: UpsertSpec = {
  table: "identities",
  columns: [
    "tenant_id",
    "integration_id",
    "external_id",
    "display_name",
    "email",
    "login",
    "avatar_url",
    "person_key",
    "active",
  ],
  key: ["tenant_id", "integration_id", "external_id"],
  update: ["display_name", "email", "login", "avatar_url", "person_key"],
};

/** person_key of an account: its e-mail, lower-cased (null when the source hides it). */
export function personKey(email: string | null | undefined): string | null {
  const e = email?.trim();
  return e ? e.toLowerCase() : null;
}
