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
    authKind: z.enum(["basic", "bearer"]).optional(),
    projectKeys: z.array(z.string().trim().regex(PROJECT_KEY, "not a Jira project key")).max(500).default([]),
    baseJql: z.string().trim().max(4000).optional().superRefine((jql, ctx) => {
      if (!jql) return;
      try {
        buildIssueJql({ projectKeys: ["X"], baseJql: jql });
      } catch (e) {
        if (e instanceof JqlError) ctx.addIssue({ code: "custom", message: e.message });
        else throw e;
      }
    }),
    overlapMinutes: z.number().int().min(0).max(1440).default(5),
    apiVersion: z.enum(["3", "2", "latest"]).default("3"),
    /** IANA zone of the API user; when unset it is read from /myself once per run (JQL dates use it). */
    timeZone: z.string().trim().min(1).optional().refine((tz) => !tz || validZone(tz), "unknown time zone"),
    devStatusApplicationTypes: z.array(z.string().trim().min(1)).min(1).max(5).default(["GitHub"]),
    requestsPerSecond: z.number().min(0.2).max(100).default(10),
    pageSizes: jiraPageSizesSchema.default({}),
  }).strict(),
);

export type JiraSettings = z.infer<typeof jiraSettingsSchema>;

export const jiraCredentialsSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("basic"), email: z.string().trim().email(), token: z.string().min(1) }).strict(),
  z.object({ kind: z.literal("bearer"), token: z.string().min(1) }).strict(),
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
