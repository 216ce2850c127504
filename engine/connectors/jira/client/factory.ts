// Builds a JiraClient for an integration from its stored settings and decrypted credentials. Shared by the
// connector (runs), the connection test and the custom-field discovery, so all three talk to Jira the same way.
import { JiraClient, type JiraClientOptions } from "./client.ts";
import { JiraConfigError, type JiraSettings, readJiraAuth } from "../settings.ts";

export type JiraHttpOptions = JiraClientOptions["http"];

export function jiraClientFor(
  baseUrl: string | null,
  settings: JiraSettings,
  credentials: unknown,
  http: JiraHttpOptions = {},
): JiraClient {
  if (!baseUrl) throw new JiraConfigError("the Jira integration has no base URL");
  const auth = readJiraAuth(credentials);
  if (settings.authKind && auth.kind !== settings.authKind) {
    throw new JiraConfigError(`credentials are of kind "${auth.kind}" but settings.authKind is "${settings.authKind}"`);
  }
  return new JiraClient({
    baseUrl,
    auth,
    apiVersion: settings.apiVersion,
    pageSizes: settings.pageSizes,
    http: { pacer: { ratePerSecond: settings.requestsPerSecond }, ...http },
  });
}
