// Microsoft Entra ID as an integration provider: the authority as base URL, Graph root and group filter as
// settings, client-credentials credentials (shared with Fabric), and a connection test that mints a Graph token
// and reads one user id (User.Read.All consented), so refused credentials and missing consent are told apart.
import { entraSettingsSchema, readEntraSettings } from "../../engine/connectors/entra/settings.ts";
import { entraClientFor } from "../../engine/connectors/entra/connector.ts";
import { microsoftCredentialsSchema } from "../../engine/connectors/microsoft/identity.ts";
import type { FieldError } from "../http_errors.ts";
import { type ConnectionInput, type ConnectionResult, type ProviderSpec, TEST_HTTP } from "./types.ts";
import { failedConnection } from "./explain.ts";

export const entraProvider: ProviderSpec = {
  display: {
    title: "Microsoft Entra ID",
    logo: "ad.svg",
    description: "Directory users (department, manager) and groups with members, linked to Jira and GitHub people",
    baseUrl: {
      title: "Identity platform (authority)",
      description: "https://login.microsoftonline.com; national clouds have their own (e.g. login.microsoftonline.us).",
      placeholder: "https://login.microsoftonline.com",
      default: "https://login.microsoftonline.com",
    },
  },
  settings: entraSettingsSchema as unknown as ProviderSpec["settings"],
  credentials: microsoftCredentialsSchema,

  activationProblems({ baseUrl, hasCredentials }) {
    const problems: FieldError[] = [];
    if (!baseUrl) problems.push({ field: "baseUrl", message: "set the identity platform URL before activating" });
    if (!hasCredentials) {
      problems.push({
        field: "credentials",
        message: "set the tenant id, client id and a secret or certificate before activating",
      });
    }
    return problems;
  },

  async testConnection(input: ConnectionInput): Promise<ConnectionResult> {
    try {
      const settings = readEntraSettings(input.settings);
      const client = entraClientFor(input.baseUrl, settings, input.credentials, {
        ...TEST_HTTP,
        addressGuard: input.addressGuard,
      });
      const probe = await client.probe();
      const creds = input.credentials as { tenantId: string; clientId: string };
      return {
        ok: true,
        user: { tenantId: creds.tenantId, clientId: creds.clientId },
        permissions: { "User.Read.All": true },
        details: { graphUrl: settings.graphUrl, usersVisible: probe.users > 0 },
      };
    } catch (e) {
      return failedConnection(e, "Microsoft Entra ID", input.baseUrl, TEST_HTTP.timeoutMs);
    }
  },
};
