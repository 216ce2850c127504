// Jira as an integration provider: settings/credentials schemas (shared with the connector) and the connection
// test — /myself (who the token is, its time zone) plus /mypermissions (Browse Projects).
import { jiraCredentialsSchema, jiraSettingsSchema, readJiraSettings } from "../../engine/connectors/jira/settings.ts";
import { jiraClientFor } from "../../engine/connectors/jira/client/factory.ts";
import { SourceError } from "../../engine/http/errors.ts";
import type { FieldError } from "../http_errors.ts";
import { type ConnectionInput, type ConnectionResult, type ProviderSpec, TEST_HTTP } from "./types.ts";

export const jiraProvider: ProviderSpec = {
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
      const client = jiraClientFor(input.baseUrl, settings, input.credentials, TEST_HTTP);
      const check = await client.checkConnection();
      const user = { accountId: check.accountId, displayName: check.displayName, timeZone: check.timeZone };
      const permissions = { BROWSE_PROJECTS: check.canBrowseProjects };
      return check.canBrowseProjects
        ? { ok: true, user, permissions }
        : { ok: false, user, permissions, error: "the account lacks the Browse Projects permission" };
    } catch (e) {
      if (e instanceof SourceError || (e as Error).name === "JiraConfigError") {
        return { ok: false, error: (e as Error).message };
      }
      throw e;
    }
  },
};
