// Step 1: the repositories in scope, listed through REST per owner (/orgs/{org}/repos, or /users/{login}/repos
// when the login is a user) — the listing has no 1,000-result cap, unlike search (defect §11.2-26). Each page is
// filtered by the name patterns, archived and fork settings; the checkpoint keeps the owner, the next Link page and
// the ids listed so far, and the last page states the full scope so repositories that left it are deactivated.
import type { ExtractedPage } from "../../../connector.ts";
import { SourceRequestError } from "../../../http/errors.ts";
import type { GitHubClient } from "../client/client.ts";
import type { GhRepository } from "../client/types.ts";
import { GitHubConfigError, type GitHubSettings, matchesFilter, organizationLogins } from "../settings.ts";

export const REPO_KINDS = { repositories: "github_repositories", scope: "github_repository_scope" } as const;

export interface RepositoryCheckpoint {
  done?: true;
  owner?: number;
  kind?: "orgs" | "users";
  page?: string | null;
  listed?: string[];
}

export interface ScopeRecord {
  owners: string[];
  repositoryIds: string[];
}

export function inScope(repo: GhRepository, settings: GitHubSettings): boolean {
  if (repo.archived && !settings.includeArchived) return false;
  if (repo.fork && !settings.includeForks) return false;
  return matchesFilter(repo.name, settings.repositoryFilter);
}

export function requireOwners(settings: GitHubSettings): string[] {
  const owners = organizationLogins(settings.organization);
  if (owners.length === 0) {
    throw new GitHubConfigError("settings.organization is empty: configure the organizations this integration reads");
  }
  return owners;
}

export async function* extractRepositories(
  client: GitHubClient,
  settings: GitHubSettings,
  checkpoint: RepositoryCheckpoint | null,
): AsyncGenerator<ExtractedPage> {
  if (checkpoint?.done) return;
  const owners = requireOwners(settings);
  const listed = new Set(checkpoint?.listed ?? []);
  for (let i = checkpoint?.owner ?? 0; i < owners.length; i++) {
    const resuming = checkpoint?.owner === i;
    let kind: "orgs" | "users" = (resuming ? checkpoint?.kind : undefined) ?? "orgs";
    let page = (resuming ? checkpoint?.page : undefined) ?? undefined;
    while (true) {
      let result;
      try {
        result = await client.repositoryPage(owners[i], kind, page);
      } catch (e) {
        // the login is a user, not an organization
        if (kind === "orgs" && !page && e instanceof SourceRequestError && e.status === 404) {
          kind = "users";
          continue;
        }
        throw e;
      }
      const kept = result.repositories.filter((r) => inScope(r, settings));
      for (const r of kept) listed.add(String(r.id));
      const next: RepositoryCheckpoint = result.next
        ? { owner: i, kind, page: result.next, listed: [...listed] }
        : { owner: i + 1, listed: [...listed] };
      // progress: the repositories kept so far, a page like this one for each page still to come, and the scope
      const expectedRecords = result.pagesAfter === null
        ? undefined
        : listed.size + result.pagesAfter * result.repositories.length + 1;
      if (kept.length) {
        yield {
          kind: REPO_KINDS.repositories,
          records: kept,
          checkpoint: next,
          externalId: owners[i],
          expectedRecords,
        };
      }
      if (!result.next) break;
      page = result.next;
    }
  }
  const scope: ScopeRecord = { owners, repositoryIds: [...listed].sort() };
  yield { kind: REPO_KINDS.scope, records: [scope], checkpoint: { done: true }, expectedRecords: listed.size + 1 };
}
