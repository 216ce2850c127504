// Jira Data Center / Server differences the issue extraction needs: the deployment type (/serverInfo) and the
// classic /rest/api/2/search, paged by startAt with a `total` (Data Center has no /search/jql token paging, no
// approximate count and no bulkfetch). Kept beside the Cloud client rather than in it: the client is the Cloud path.
import type { JiraClient } from "./client.ts";
import type { JiraIssue } from "./types.ts";

export type DeploymentType = "Cloud" | "Server" | "DataCenter";

/** "Cloud", "Server" or "DataCenter" from /rest/api/2/serverInfo (both kinds serve it; unknown values → Cloud). */
export async function deploymentType(client: JiraClient, signal?: AbortSignal): Promise<DeploymentType> {
  // asked once per client (a run's steps share one): the issues part and the census both need it
  const known = deployments.get(client);
  if (known) return known;
  const { body } = await client.http.getJson<{ deploymentType?: string }>("/rest/api/2/serverInfo", {}, {
    endpoint: "GET serverInfo",
    signal,
  });
  const type = body.deploymentType === "Server" || body.deploymentType === "DataCenter" ? body.deploymentType : "Cloud";
  deployments.set(client, type);
  return type;
}

const deployments = new WeakMap<JiraClient, DeploymentType>();

/** Records a deployment type learnt another way (Cloud's approximate count answered), saving the /serverInfo call. */
export function rememberDeployment(client: JiraClient, type: DeploymentType): void {
  deployments.set(client, type);
}

export interface StartAtSearch {
  jql: string;
  startAt: number;
  maxResults: number;
  fields: readonly string[];
  expand?: string;
  signal?: AbortSignal;
}

export interface StartAtPage {
  issues: JiraIssue[];
  total: number;
}

/** Data Center's answer to a startAt past its cap: asking again gets the same answer, so it is not retried. */
export function isSearchLimitAnswer(status: number, text: string): boolean {
  return status === 500 && /search limit/i.test(text);
}

/** One page of POST /rest/api/2/search (startAt/maxResults, `total` = matches of the JQL right now). */
export async function searchStartAt(client: JiraClient, query: StartAtSearch): Promise<StartAtPage> {
  const { body } = await client.http.postJson<{ issues?: JiraIssue[]; total?: number }>("/rest/api/2/search", {
    jql: query.jql,
    startAt: query.startAt,
    maxResults: query.maxResults,
    fields: query.fields,
    ...(query.expand ? { expand: query.expand } : {}),
  }, { endpoint: "POST search (startAt)", signal: query.signal, refusal: isSearchLimitAnswer });
  const issues = body.issues ?? [];
  return { issues, total: typeof body.total === "number" ? body.total : query.startAt + issues.length };
}
