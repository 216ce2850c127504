// Microsoft Fabric as an integration provider: the authority as base URL, workspace, lakehouse, tables with key
// columns and the OneLake endpoint as settings, client-credentials credentials (shared with Entra ID), and a
// connection test that mints a Storage token and lists the lakehouse's Tables folder, saying which configured
// tables it found.
import {
  configuredTables,
  fabricSettingsSchema,
  lakehouseFolder,
  readFabricSettings,
} from "../../engine/connectors/fabric/settings.ts";
import { oneLakeClientFor } from "../../engine/connectors/fabric/connector.ts";
import { microsoftCredentialsSchema } from "../../engine/connectors/microsoft/identity.ts";
import type { FieldError } from "../http_errors.ts";
import { type ConnectionInput, type ConnectionResult, type ProviderSpec, TEST_HTTP } from "./types.ts";
import { failedConnection } from "./explain.ts";

export const fabricProvider: ProviderSpec = {
  display: {
    title: "Microsoft Fabric",
    logo: "fabric.svg",
    description: "Lakehouse Delta tables through OneLake, loaded incrementally by Delta version",
    baseUrl: {
      title: "Identity platform (authority)",
      description: "https://login.microsoftonline.com; national clouds have their own.",
      placeholder: "https://login.microsoftonline.com",
      default: "https://login.microsoftonline.com",
    },
  },
  settings: fabricSettingsSchema as unknown as ProviderSpec["settings"],
  credentials: microsoftCredentialsSchema,

  activationProblems({ baseUrl, settings, hasCredentials }) {
    const problems: FieldError[] = [];
    const s = settings as { workspace?: string; lakehouse?: string; tables?: unknown[] };
    if (!baseUrl) problems.push({ field: "baseUrl", message: "set the identity platform URL before activating" });
    if (!hasCredentials) {
      problems.push({
        field: "credentials",
        message: "set the tenant id, client id and a secret or certificate before activating",
      });
    }
    if (!s.workspace) problems.push({ field: "settings.workspace", message: "set the workspace before activating" });
    if (!s.lakehouse) problems.push({ field: "settings.lakehouse", message: "set the lakehouse before activating" });
    if (!Array.isArray(s.tables) || s.tables.length === 0) {
      problems.push({ field: "settings.tables", message: "list at least one Delta table before activating" });
    }
    return problems;
  },

  async testConnection(input: ConnectionInput): Promise<ConnectionResult> {
    try {
      const settings = readFabricSettings(input.settings);
      const client = oneLakeClientFor(input.baseUrl, settings, input.credentials, {
        token: { ...TEST_HTTP, addressGuard: input.addressGuard },
        onelake: {
          maxAttempts: TEST_HTTP.maxAttempts,
          maxWaitMs: TEST_HTTP.maxWaitMs,
          timeoutMs: TEST_HTTP.timeoutMs,
          addressGuard: input.addressGuard,
        },
      });
      const found = (await client.list(`${lakehouseFolder(settings.lakehouse)}/Tables`))
        .filter((e) => e.isDirectory).map((e) => e.name.split("/").pop()!);
      const missing = configuredTables(settings).map((t) => t.name.split("/")[0]).filter((t) => !found.includes(t));
      return {
        ok: missing.length === 0,
        error: missing.length ? `not found under Tables/: ${missing.join(", ")}` : undefined,
        user: { clientId: (input.credentials as { clientId: string }).clientId },
        details: { workspace: settings.workspace, lakehouse: settings.lakehouse, tables: found },
      };
    } catch (e) {
      return failedConnection(e, "Microsoft Fabric", input.baseUrl, TEST_HTTP.timeoutMs);
    }
  },
};
