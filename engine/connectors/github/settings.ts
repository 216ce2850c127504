// GitHub integration settings and credentials: one zod schema used by the API (to refuse bad input naming the
// field, and to render the Integrations form from `.meta`) and by the connector (to read what the API stored).
// Credentials are a token (classic or fine-grained PAT) or a GitHub App (app id + private key; installation tokens
// are cached for the process across runs and chunks, and minted again before they expire, see client/app_auth.ts).
import { z } from "zod";

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const PATTERN = /^[A-Za-z0-9._*-]+$/;

/** "acme, acme-labs" → ["acme", "acme-labs"] (commas or spaces). */
export function organizationLogins(value: string): string[] {
  return value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

export const githubPageSizesSchema = z.object({
  pullRequests: z.number().int().min(1).max(100).optional()
    .meta({ title: "Pull requests per query", description: "Upper bound; the query-cost budget may lower it" }),
  commits: z.number().int().min(1).max(100).optional(),
  reviews: z.number().int().min(1).max(100).optional(),
  comments: z.number().int().min(1).max(100).optional(),
  reviewThreads: z.number().int().min(1).max(100).optional(),
  threadComments: z.number().int().min(1).max(100).optional(),
}).strict();

export const githubSettingsSchema = z.object({
  organization: z.string().trim().max(2000)
    .refine((v) => organizationLogins(v).every((l) => LOGIN.test(l)), "not a list of GitHub organization logins")
    .refine((v) => organizationLogins(v).length <= 50, "at most 50 organizations")
    .default("")
    .meta({
      title: "Organizations",
      description: "Organization (or user) logins whose repositories are read, separated by commas",
    }),
  repositoryFilter: z.array(z.string().trim().min(1).max(100).regex(PATTERN, "not a repository name or pattern"))
    .max(200).default([])
    .meta({
      title: "Repositories",
      description: "Repository names or patterns with * (e.g. api-*); empty reads every repository",
    }),
  includeArchived: z.boolean().default(false)
    .meta({ title: "Include archived repositories", description: "Archived repositories are skipped by default" }),
  includeForks: z.boolean().default(false)
    .meta({ title: "Include forks", description: "Forked repositories are skipped by default" }),
  lookbackDays: z.number().int().min(1).max(3650).default(730)
    .meta({ title: "First-run look-back (days)", description: "How far back the first sync reads pull requests" }),
  overlapMinutes: z.number().int().min(0).max(1440).default(5)
    .meta({
      title: "Overlap (minutes)",
      description: "Each incremental run re-reads this much before the watermark",
      advanced: true,
    }),
  installationId: z.number().int().min(1).max(2 ** 53 - 1).optional()
    .meta({
      title: "App installation id",
      description: "GitHub App only; found from the first organization when empty",
    }),
  identityEmails: z.record(
    z.string().regex(LOGIN, "not a GitHub login"),
    z.string().trim().email("not an e-mail address"),
  ).default({})
    .meta({
      title: "Login → e-mail",
      description: "Joins GitHub users to the same person's Jira account when their profile hides the e-mail",
    }),
  requestsPerSecond: z.number().min(0.2).max(50).default(10)
    .meta({
      title: "Requests per second",
      description: "Ceiling; the budget GitHub reports slows it further",
      advanced: true,
    }),
  maxQueryPoints: z.number().int().min(1).max(100).default(10)
    .meta({
      title: "Points per query",
      description: "GraphQL cost budget of one pull-request page; page sizes are planned to stay under it",
      advanced: true,
    }),
  pageSizes: githubPageSizesSchema.default({}).meta({ title: "Page sizes", advanced: true }),
}).strict();

export type GitHubSettings = z.infer<typeof githubSettingsSchema>;

const PEM = /-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/;

export const githubCredentialsSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("bearer"),
    token: z.string().trim().min(1, "the token is empty").max(1000)
      .meta({ title: "Token", description: "Classic or fine-grained personal access token", secret: true }),
  }).strict(),
  z.object({
    kind: z.literal("github_app"),
    appId: z.preprocess(
      (v) => (typeof v === "number" ? String(v) : v),
      z.string().trim().regex(/^(\d+|Iv[0-9A-Za-z.]+)$/, "not a GitHub App id or client id"),
    ).meta({ title: "App id", description: "The App's id (or client id)" }),
    privateKey: z.string().trim().regex(PEM, "not a PEM private key").max(10_000)
      .meta({ title: "Private key", description: "The App's .pem file", secret: true, widget: "textarea" }),
  }).strict(),
]);

export type GitHubCredentials = z.infer<typeof githubCredentialsSchema>;

export class GitHubConfigError extends Error {
  override readonly name = "GitHubConfigError";
}

/** Settings as stored; a row that no longer validates is a configuration error that names the field. */
export function readGitHubSettings(raw: unknown): GitHubSettings {
  const parsed = githubSettingsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `settings.${i.path.join(".")}: ${i.message}`).join("; ");
    throw new GitHubConfigError(`invalid GitHub settings (${what})`);
  }
  return parsed.data;
}

export function readGitHubCredentials(raw: unknown): GitHubCredentials {
  if (raw === null || raw === undefined) throw new GitHubConfigError("the GitHub integration has no credentials");
  const parsed = githubCredentialsSchema.safeParse(raw);
  if (!parsed.success) throw new GitHubConfigError("stored GitHub credentials are not in a known shape");
  return parsed.data;
}

export interface ApiUrls {
  /** REST root: https://api.github.com, https://HOST/api/v3 (Enterprise Server), https://api.SUB.ghe.com. */
  rest: string;
  /** GraphQL endpoint: …/graphql, or https://HOST/api/graphql on Enterprise Server. */
  graphql: string;
  enterpriseServer: boolean;
}

/**
 * The REST and GraphQL endpoints for a configured base URL. Enterprise Server serves REST under /api/v3 and
 * GraphQL at /api/graphql (not under /api/v3); a bare Enterprise Server host is accepted as well.
 */
export function apiUrls(baseUrl: string): ApiUrls {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, "");
  if (/\/api\/v3$/.test(path)) {
    const root = `${url.origin}${path.slice(0, -"/v3".length)}`;
    return { rest: `${url.origin}${path}`, graphql: `${root}/graphql`, enterpriseServer: true };
  }
  const dotcom = url.hostname === "api.github.com" || url.hostname.startsWith("api.");
  if (!dotcom && path === "") {
    return { rest: `${url.origin}/api/v3`, graphql: `${url.origin}/api/graphql`, enterpriseServer: true };
  }
  return { rest: `${url.origin}${path}`, graphql: `${url.origin}${path}/graphql`, enterpriseServer: false };
}

/** Whether a repository name passes the filter (exact names or `*` patterns, case-insensitive). */
export function matchesFilter(name: string, filter: readonly string[]): boolean {
  if (filter.length === 0) return true;
  const lower = name.toLowerCase();
  return filter.some((p) => {
    const re = new RegExp(`^${p.toLowerCase().replace(/[.+?^${}()|[\]\\-]/g, "\\$&").replaceAll("*", ".*")}$`);
    return re.test(lower);
  });
}
