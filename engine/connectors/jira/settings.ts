// Jira integration settings and credentials: one zod schema used by the API (to refuse bad input with field names)
// and by the connector (to read what the API stored). The seed wrote `projects`; it is accepted as an alias of
// `projectKeys` so existing rows keep working.
import { z } from "zod";
import { buildIssueJql, JqlError } from "./client/jql.ts";
import type { JiraAuth } from "./client/types.ts";

const PROJECT_KEY = /^[A-Za-z][A-Za-z0-9_]{0,254}$/;

export const jiraPageSizesSchema = z.object({
  projects: z.number().int().min(1).max(100).optional(),
  search: z.number().int().min(1).max(5000).optional(),
  bulkChangelogIssues: z.number().int().min(1).max(1000).optional(),
  bulkChangelogResults: z.number().int().min(1).max(10000).optional(),
  changelog: z.number().int().min(1).max(1000).optional(),
  sprints: z.number().int().min(1).max(50).optional(),
  createMeta: z.number().int().min(1).max(200).optional(),
  devStatusPerPage: z.number().int().min(1).max(500).optional(),
  /** Data Center's startAt cap on /search (10,000): windows are split to stay within it. */
  dcStartAtCap: z.number().int().min(1).max(10000).optional(),
}).strict();

export const jiraSettingsSchema = z.preprocess(
  (raw) => {
    if (raw && typeof raw === "object" && !Array.isArray(raw)) {
      const { projects, ...rest } = raw as Record<string, unknown>;
      return "projectKeys" in rest || projects === undefined ? rest : { ...rest, projectKeys: projects };
    }
    return raw;
  },
  z.object({
    /** "basic" (e-mail + API token, Cloud) or "bearer" (PAT, Data Center); unset → whatever the credentials are. */
    authKind: z.enum(["basic", "bearer"]).optional().meta({
      title: "Sign-in kind",
      description: "Leave empty to use whatever the credentials are.",
      advanced: true,
      enumLabels: { basic: "E-mail and API token (Cloud)", bearer: "Personal access token (Data Center)" },
    }),
    projectKeys: z.array(z.string().trim().regex(PROJECT_KEY, "not a Jira project key")).max(500).default([]).meta({
      title: "Project keys",
      description: "The Jira projects to sync, e.g. ABC, OPS (comma-separated). Needed before the job can run.",
      placeholder: "ABC, OPS",
    }),
    baseJql: z.string().trim().max(4000).optional().meta({
      title: "Extra JQL filter",
      description: "Optional JQL added to every issue search, e.g. issuetype != Sub-task.",
    }).superRefine((jql, ctx) => {
      if (!jql) return;
      try {
        buildIssueJql({ projectKeys: ["X"], baseJql: jql });
      } catch (e) {
        if (e instanceof JqlError) ctx.addIssue({ code: "custom", message: e.message });
        else throw e;
      }
    }),
    overlapMinutes: z.number().int().min(0).max(1440).default(5).meta({
      title: "Overlap (minutes)",
      description: "Each sync re-reads this much before the last successful one, to catch late updates.",
      advanced: true,
    }),
    apiVersion: z.enum(["3", "2", "latest"]).default("3").meta({
      title: "REST API version",
      description: "3 for Jira Cloud; 2 for Jira Data Center / Server.",
      advanced: true,
    }),
    /** IANA zone of the API user; when unset it is read from /myself once per run (JQL dates use it). */
    timeZone: z.string().trim().min(1).optional().refine((tz) => !tz || validZone(tz), "unknown time zone").meta({
      title: "Time zone of the API user",
      description: "IANA name, e.g. Europe/Berlin. Leave empty to read it from Jira at each run.",
      advanced: true,
    }),
    devStatusApplicationTypes: z.array(z.string().trim().min(1)).min(1).max(5).default(["GitHub"]).meta({
      title: "Development tools",
      description: "Which linked tools to read pull requests from (Jira's development panel).",
      advanced: true,
    }),
    requestsPerSecond: z.number().min(0.2).max(100).default(10).meta({
      title: "Requests per second",
      description: "Upper bound on the pace of calls to Jira.",
      advanced: true,
    }),
    pageSizes: jiraPageSizesSchema.default({}).meta({ title: "Page sizes", advanced: true }),
  }).strict(),
);

export type JiraSettings = z.infer<typeof jiraSettingsSchema>;

export const jiraCredentialsSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("basic"),
    email: z.string().trim().email().meta({ title: "Account e-mail" }),
    token: z.string().min(1).meta({
      title: "API token",
      description: "Created at id.atlassian.com → Security → API tokens.",
      secret: true,
    }),
  }).strict().meta({ title: "E-mail and API token (Cloud)" }),
  z.object({
    kind: z.literal("bearer"),
    token: z.string().min(1).meta({ title: "Personal access token", secret: true }),
  }).strict().meta({ title: "Personal access token (Data Center)" }),
]);

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export class JiraConfigError extends Error {
  override readonly name = "JiraConfigError";
}

/** Settings as stored; a row that no longer validates is a configuration error that names the field. */
export function readJiraSettings(raw: unknown): JiraSettings {
  const parsed = jiraSettingsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `settings.${i.path.join(".")}: ${i.message}`).join("; ");
    throw new JiraConfigError(`invalid Jira settings (${what})`);
  }
  return parsed.data;
}

export function readJiraAuth(raw: unknown): JiraAuth {
  if (raw === null || raw === undefined) throw new JiraConfigError("the Jira integration has no credentials");
  const parsed = jiraCredentialsSchema.safeParse(raw);
  if (!parsed.success) throw new JiraConfigError("stored Jira credentials are not in a known shape");
  return parsed.data;
}
