// The GitHub connector: three steps (repositories → pull requests with every nested commit, review and comment →
// Jira links), each extracting pages with a resume checkpoint and loading them with idempotent set-based upserts.
// The engine drives it; tests drive it through tests/jira/driver.ts (the connector-agnostic page driver).
import type { Connector, ExtractContext, ExtractedPage, LoadContext, LoadResult, StepDef } from "../../connector.ts";
import { JOBS } from "../../../db/seed_data.ts";
import type { Scope } from "../common/db_util.ts";
import { stripNul } from "../common/sanitize.ts";
import type { GitHubClient, GitHubHttpOptions } from "./client/client.ts";
import { githubClientFor } from "./client/factory.ts";
import { DEFAULT_PAGE_SIZES, windowCountSearch } from "./client/queries.ts";
import type { GhRepository } from "./client/types.ts";
import { type GitHubSettings, organizationLogins, readGitHubSettings } from "./settings.ts";
import {
  extractRepositories,
  REPO_KINDS,
  type RepositoryCheckpoint,
  type ScopeRecord,
} from "./extract/repositories.ts";
import {
  extractPullRequests,
  type NestedRecord,
  PR_KINDS,
  type PrCheckpoint,
  type PrRecord,
  repositoriesInScope,
} from "./extract/pull_requests.ts";
import { extractLinkCandidates, LINK_KIND, type LinkCheckpoint } from "./extract/links.ts";
import { loadRepositories, loadScope } from "./load/repositories.ts";
import { loadNested, loadPullRequests } from "./load/pull_requests.ts";
import { loadLinks } from "./load/links.ts";
import { githubEmbedText } from "./load/embed_text.ts";
import { recordBudgets } from "./extract/budgets.ts";

export const GITHUB_STEPS: StepDef[] = JOBS.find((j) => j.provider === "github")!.steps;

export const STEP = {
  repositories: "github_repositories",
  pullRequests: "github_prs_commits_reviews_comments",
  links: "github_pr_links",
} as const;

export const GITHUB_KINDS = [...Object.values(REPO_KINDS), ...Object.values(PR_KINDS), LINK_KIND];

export interface GitHubConnectorOptions {
  /** HTTP client overrides (tests: no pacing, quick retries). */
  http?: GitHubHttpOptions;
  /** Called with each run's client (tests and the bench read its request and point counts). */
  onClient?: (client: GitHubClient) => void;
}

const DAY_MS = 86_400_000;

/** Oldest PR update a run reads: the window start, or the first-run look-back before the run's start. */
export function windowFloor(windowFrom: Date | null, windowTo: Date, settings: GitHubSettings): Date {
  return windowFrom ?? new Date(windowTo.getTime() - settings.lookbackDays * DAY_MS);
}

export function createGitHubConnector(options: GitHubConnectorOptions = {}): Connector {
  async function* extractStep(step: string, ctx: ExtractContext, client: () => GitHubClient) {
    const settings = readGitHubSettings(ctx.integration.settings);
    const checkpoint = ctx.checkpoint ?? null;
    switch (step) {
      case STEP.repositories:
        return yield* extractRepositories(client(), settings, checkpoint as RepositoryCheckpoint | null);
      case STEP.pullRequests: {
        const repos = await repositoriesInScope(ctx.db, ctx.run);
        const sizes = { ...DEFAULT_PAGE_SIZES, ...settings.pageSizes };
        const floor = windowFloor(ctx.run.windowFrom, ctx.run.windowTo, settings);
        const countSearch = windowCountSearch(
          organizationLogins(settings.organization),
          floor,
          settings.includeArchived,
        );
        return yield* extractPullRequests(
          client(),
          repos,
          { sizes, maxPoints: settings.maxQueryPoints, floor, countSearch },
          checkpoint as PrCheckpoint | null,
        );
      }
      case STEP.links:
        return yield* extractLinkCandidates(ctx.db, ctx.run, checkpoint as LinkCheckpoint | null);
      default:
        throw new Error(`unknown GitHub step ${step}`);
    }
  }

  return {
    type: "github",
    steps: GITHUB_STEPS,

    async *extract(step: string, ctx: ExtractContext): AsyncIterable<ExtractedPage> {
      let made: GitHubClient | undefined;
      // the client is built lazily: the links step reads only the database and needs no credentials
      const client = () => {
        if (made) return made;
        const settings = readGitHubSettings(ctx.integration.settings);
        made = githubClientFor(ctx.integration.baseUrl, settings, ctx.integration.credentials, {
          ...options.http,
          addressGuard: ctx.addressGuard,
          beforeSend: () => ctx.beforeRequest(),
        });
        options.onClient?.(made);
        return made;
      };
      try {
        for await (const page of extractStep(step, ctx, client)) {
          if (made) await recordBudgets(ctx.db, ctx.run.tenantId, ctx.integration.id, made);
          yield { ...page, records: stripNul(page.records) };
        }
      } finally {
        // a rate limit or failure leaves the last reported budget visible on the job details
        if (made) await recordBudgets(ctx.db, ctx.run.tenantId, ctx.integration.id, made).catch(() => {});
      }
    },

    async load(_step: string, kind: string, records: unknown[], ctx: LoadContext): Promise<LoadResult> {
      const scope: Scope = { tx: ctx.tx, tenantId: ctx.run.tenantId, integrationId: ctx.integration.id };
      const emails = identityEmails(ctx.integration.settings);
      switch (kind) {
        case REPO_KINDS.repositories: {
          const r = await loadRepositories(scope, records as GhRepository[]);
          return { rows: r.rows, embed: embed("repositories", r.repositories) };
        }
        case REPO_KINDS.scope:
          return await loadScope(scope, records as ScopeRecord[]);
        case PR_KINDS.pullRequests: {
          const r = await loadPullRequests(scope, records as PrRecord[], emails);
          return { rows: r.rows, embed: embed("prs", r.prs) };
        }
        case PR_KINDS.nested: {
          const r = await loadNested(scope, records as NestedRecord[], emails);
          // commit messages are part of a PR's text
          const texts = (records as NestedRecord[]).some((n) => n.connection === "commits");
          return { rows: r.rows, embed: texts ? embed("prs", r.prs) : undefined };
        }
        case LINK_KIND:
          return await loadLinks(scope, records as string[]);
        default:
          throw new Error(`the GitHub connector cannot load records of kind ${kind}`);
      }
    },

    embedText: githubEmbedText,
  };
}

function embed(table: string, ids: number[]): LoadResult["embed"] {
  return ids.length ? [{ table, ids }] : undefined;
}

function identityEmails(settings: Record<string, unknown>): Record<string, string> {
  const map = settings?.identityEmails;
  return map && typeof map === "object" ? map as Record<string, string> : {};
}

export const githubConnector: Connector = createGitHubConnector();
