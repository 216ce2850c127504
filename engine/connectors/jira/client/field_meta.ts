// Field discovery requests of the Jira client: the field list, the paged field search and the create-screen
// metadata (issue types of a project, then each type's fields), every page of each.
import type { SourceHttpClient } from "../../../http/client.ts";
import type { AgilePage } from "./pages.ts";
import type { JiraCreateMeta, JiraCreateMetaField, JiraField, JiraIssueType } from "./types.ts";

/** What these requests need from the client: its HTTP client, platform API path and page sizes. */
export interface FieldMetaContext {
  http: SourceHttpClient;
  api: string;
  fieldSearchSize: number;
  createMetaSize: number;
}

export async function fieldList(ctx: FieldMetaContext): Promise<JiraField[]> {
  return (await ctx.http.getJson<JiraField[]>(`${ctx.api}/field`, {}, { endpoint: "GET field" })).body;
}

export async function fieldSearch(
  ctx: FieldMetaContext,
  options: { ids?: readonly string[]; type?: "custom" | "system" },
): Promise<JiraField[]> {
  const out: JiraField[] = [];
  const path = `${ctx.api}/field/search`;
  let startAt = 0;
  while (true) {
    const { body } = await ctx.http.getJson<AgilePage<JiraField>>(path, {
      startAt,
      maxResults: ctx.fieldSearchSize,
      id: options.ids,
      type: options.type,
    }, { endpoint: "GET field/search" });
    const values = body.values ?? [];
    out.push(...values);
    startAt += values.length;
    const done = body.isLast ?? startAt >= (body.total ?? startAt);
    if (done || values.length === 0) return out;
  }
}

export async function createMeta(ctx: FieldMetaContext, projectKey: string): Promise<JiraCreateMeta> {
  const base = `${ctx.api}/issue/createmeta/${encodeURIComponent(projectKey)}/issuetypes`;
  const types = await readStartAtPages<JiraIssueType>(ctx, base, "issueTypes", "GET createmeta/issuetypes");
  const issueTypes = [];
  for (const type of types) {
    const path = `${base}/${encodeURIComponent(type.id)}`;
    const fields = await readStartAtPages<JiraCreateMetaField>(ctx, path, "fields", "GET createmeta/fields");
    issueTypes.push({ ...type, fields });
  }
  return { projectKey, issueTypes };
}

async function readStartAtPages<T>(ctx: FieldMetaContext, path: string, listKey: string, endpoint: string) {
  const out: T[] = [];
  let startAt = 0;
  while (true) {
    const { body } = await ctx.http.getJson<Record<string, unknown>>(path, {
      startAt,
      maxResults: ctx.createMetaSize,
    }, { endpoint });
    // Jira has used both the named list and `values` for these responses.
    const values = (body[listKey] ?? body.values ?? []) as T[];
    out.push(...values);
    startAt += values.length;
    const total = typeof body.total === "number" ? body.total : startAt;
    if (values.length === 0 || startAt >= total) return out;
  }
}
