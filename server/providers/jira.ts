// Jira as an integration provider: settings/credentials schemas (shared with the connector) and the connection
// test — /myself (who the token is, its time zone) plus /mypermissions (Browse Projects).
import { jiraCredentialsSchema, jiraSettingsSchema, readJiraSettings } from "../../engine/connectors/jira/settings.ts";
import { jiraClientFor } from "../../engine/connectors/jira/client/factory.ts";
import { SourceError } from "../../engine/http/errors.ts";
import type { FieldError } from "../http_errors.ts";
import { type ConnectionInput, type ConnectionResult, type ProviderSpec, TEST_HTTP } from "./types.ts";
import { explainFailure } from "./explain.ts";

export const jiraProvider: ProviderSpec = {
  display: {
    title: "Jira",
    logo: "jira.svg",
    description: "Jira Cloud or Data Center: projects, issues with their history, sprints, development links",
    baseUrl: {
      title: "Jira site URL",
      description: "The address of the Jira site, without a path (Cloud: https://your-site.atlassian.net).",
      placeholder: "https://your-site.atlassian.net",
    },
  },
  settings: jiraSettingsSchema as unknown as ProviderSpec["settings"],
  credentials: jiraCredentialsSchema,

  activationProblems({ baseUrl, settings, hasCredentials }) {
    const problems: FieldError[] = [];
    if (!baseUrl) problems.push({ field: "baseUrl", message: "set the Jira base URL before activating" });
    if (!hasCredentials) problems.push({ field: "credentials", message: "set credentials before activating" });
    const keys = (settings as { projectKeys?: unknown[] }).projectKeys;
    if (!Array.isArray(keys) || keys.length === 0) {
      problems.push({ field: "settings.projectKeys", message: "list at least one Jira project key before activating" });
    }
    return problems;
  },

  crossCheck(settings, credentials) {
    const kind = (credentials as { kind?: string } | null)?.kind;
    const authKind = (settings as { authKind?: string }).authKind;
    return kind && authKind && kind !== authKind
      ? [{ field: "credentials.kind", message: `must be "${authKind}" (settings.authKind)` }]
      : [];
  },

  async testConnection(input: ConnectionInput): Promise<ConnectionResult> {
    try {
      const settings = readJiraSettings(input.settings);
      const client = jiraClientFor(input.baseUrl, settings, input.credentials, {
        ...TEST_HTTP,
        addressGuard: input.addressGuard,
      });
      const check = await client.checkConnection();
      const user = { accountId: check.accountId, displayName: check.displayName, timeZone: check.timeZone };
      const permissions = { BROWSE_PROJECTS: check.canBrowseProjects };
      return check.canBrowseProjects ? { ok: true, user, permissions } : {
        ok: false,
        user,
        permissions,
        kind: "permission",
        error: "Signed in, but the account lacks the Browse Projects permission, so it can read no issues.",
      };
    } catch (e) {
      if (e instanceof SourceError || (e as Error).name === "JiraConfigError") {
        const { kind, message, detail } = explainFailure(e, "Jira", input.baseUrl, TEST_HTTP.timeoutMs);
        return { ok: false, kind, error: message, detail };
      }
      throw e;
    }
  },
};
