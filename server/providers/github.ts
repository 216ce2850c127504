// GitHub as an integration provider: settings/credentials schemas (shared with the connector) and the connection
// test — who the credentials are (the token's user and its OAuth scopes, or the App, its installation and that
// installation's permissions) and the remaining budget per resource from GET /rate_limit (an Enterprise Server
// with rate limiting off answers 404 there: unlimited).
import {
  githubCredentialsSchema,
  githubSettingsSchema,
  organizationLogins,
  readGitHubSettings,
} from "../../engine/connectors/github/settings.ts";
import { githubClientFor } from "../../engine/connectors/github/client/factory.ts";
import { SourceError, SourceRequestError } from "../../engine/http/errors.ts";
import type { FieldError } from "../http_errors.ts";
import { type ConnectionInput, type ConnectionResult, type ProviderSpec, TEST_HTTP } from "./types.ts";
import { explainFailure } from "./explain.ts";

interface RateLimitBody {
  resources?: Record<string, { limit: number; remaining: number; reset: number; used?: number }>;
}

export const githubProvider: ProviderSpec = {
  display: {
    title: "GitHub",
    logo: "github.svg",
    description: "GitHub or GitHub Enterprise Server: repositories and pull requests with commits and reviews",
    baseUrl: {
      title: "GitHub API URL",
      description: "https://api.github.com for github.com; https://HOST/api/v3 for GitHub Enterprise Server.",
      placeholder: "https://api.github.com",
      default: "https://api.github.com",
    },
  },
  settings: githubSettingsSchema as unknown as ProviderSpec["settings"],
  credentials: githubCredentialsSchema,

  activationProblems({ baseUrl, settings, hasCredentials }) {
    const problems: FieldError[] = [];
    if (!baseUrl) problems.push({ field: "baseUrl", message: "set the GitHub API URL before activating" });
    if (!hasCredentials) {
      problems.push({ field: "credentials", message: "set a token or GitHub App before activating" });
    }
    const organization = (settings as { organization?: unknown }).organization;
    if (typeof organization !== "string" || organizationLogins(organization).length === 0) {
      problems.push({ field: "settings.organization", message: "set the organization before activating" });
    }
    return problems;
  },

  async testConnection(input: ConnectionInput): Promise<ConnectionResult> {
    try {
      const settings = readGitHubSettings(input.settings);
      const client = githubClientFor(input.baseUrl, settings, input.credentials, {
        ...TEST_HTTP,
        addressGuard: input.addressGuard,
      });
      let user: Record<string, unknown>;
      let permissions: Record<string, boolean> | undefined;
      let scopes: string[] | null = null;
      if (client.app) {
        const { app, installation } = await client.app.describe();
        const account = (installation.account ?? {}) as { login?: string };
        user = { app: app.slug ?? app.name, installationId: installation.id, account: account.login };
        permissions = Object.fromEntries(
          Object.entries((installation.permissions ?? {}) as Record<string, string>)
            .map(([k, v]) => [`${k}:${v}`, true]),
        );
      } else {
        const me = await client.restGet<{ login?: string; id?: number; name?: string }>("/user");
        user = { login: me.body.login, id: me.body.id, name: me.body.name };
        const header = me.headers.get("x-oauth-scopes");
        // classic tokens list their scopes; fine-grained tokens send no such header (their permissions are per repo)
        scopes = header === null ? null : header.split(",").map((s) => s.trim()).filter(Boolean);
      }
      const rateLimit = await budgets(client);
      return { ok: true, user, permissions, details: { scopes, rateLimit, graphqlUrl: client.urls.graphql } };
    } catch (e) {
      if (e instanceof SourceError || (e as Error).name === "GitHubConfigError") {
        const { kind, message, detail } = explainFailure(e, "GitHub", input.baseUrl, TEST_HTTP.timeoutMs);
        return { ok: false, kind, error: message, detail };
      }
      throw e;
    }
  },
};

async function budgets(client: ReturnType<typeof githubClientFor>) {
  try {
    const res = await client.restGet<RateLimitBody>("/rate_limit");
    const pick = (name: string) => {
      const r = res.body.resources?.[name];
      return r ? { limit: r.limit, remaining: r.remaining, resetAt: new Date(r.reset * 1000).toISOString() } : null;
    };
    return { core: pick("core"), graphql: pick("graphql"), search: pick("search") };
  } catch (e) {
    if (e instanceof SourceRequestError && e.status === 404) return { unlimited: true };
    throw e;
  }
}
