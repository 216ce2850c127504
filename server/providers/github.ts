// GitHub as an integration provider: organization and repository name patterns, a Bearer token, and a connection
// test with GET /user (who the token is, its scopes and remaining core budget).
import { z } from "zod";
import { SourceHttpClient } from "../../engine/http/client.ts";
import { SourceError } from "../../engine/http/errors.ts";
import type { FieldError } from "../http_errors.ts";
import { type ConnectionInput, type ConnectionResult, type ProviderSpec, TEST_HTTP } from "./types.ts";
import { explainFailure } from "./explain.ts";

export const githubSettingsSchema = z.object({
  organization: z.string().trim().regex(/^$|^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "not a GitHub organization login")
    .default(""),
  /** Repository name patterns (`*` wildcards); empty = every repository of the organization. */
  repositoryFilter: z.array(z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._*-]+$/, "not a repository pattern"))
    .max(200).default([]),
  /** First-run look-back (rule 4: GitHub defaults to 730 days). */
  lookbackDays: z.number().int().min(1).max(3650).default(730),
  overlapMinutes: z.number().int().min(0).max(1440).default(5),
}).strict();

export const githubCredentialsSchema = z.object({ kind: z.literal("bearer"), token: z.string().min(1) }).strict();

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
  settings: githubSettingsSchema,
  credentials: githubCredentialsSchema,

  activationProblems({ baseUrl, settings, hasCredentials }) {
    const problems: FieldError[] = [];
    if (!baseUrl) problems.push({ field: "baseUrl", message: "set the GitHub API URL before activating" });
    if (!hasCredentials) problems.push({ field: "credentials", message: "set a token before activating" });
    if (!(settings as { organization?: string }).organization) {
      problems.push({ field: "settings.organization", message: "set the organization before activating" });
    }
    return problems;
  },

  async testConnection(input: ConnectionInput): Promise<ConnectionResult> {
    const parsed = githubCredentialsSchema.safeParse(input.credentials);
    if (!input.baseUrl) return { ok: false, error: "the GitHub integration has no API URL" };
    if (!parsed.success) return { ok: false, error: "stored GitHub credentials are not in a known shape" };
    const token = parsed.data.token;
    try {
      const http = new SourceHttpClient({
        ...TEST_HTTP,
        baseUrl: input.baseUrl,
        authorization: () => `Bearer ${token}`,
        secrets: () => [token],
        headers: { "x-github-api-version": "2022-11-28" },
      });
      const res = await http.getJson<{ login?: string; id?: number; name?: string }>("/user");
      return {
        ok: true,
        user: { login: res.body.login, id: res.body.id, name: res.body.name },
        details: {
          scopes: res.headers.get("x-oauth-scopes"),
          rateLimitRemaining: res.rateLimit.remaining,
        },
      };
    } catch (e) {
      if (e instanceof SourceError) {
        const { kind, message, detail } = explainFailure(e, "GitHub", input.baseUrl, TEST_HTTP.timeoutMs);
        return { ok: false, kind, error: message, detail };
      }
      throw e;
    }
  },
};
