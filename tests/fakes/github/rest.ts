// REST routes of the fake GitHub: repository listings per organization or user, paged with `per_page`/`page` and
// a Link header whose next page moves to /organizations/{id}/repos (as github.com does), plus one repository.
// Repository objects are built from the store in the REST shape (ids, owner, flags, counts, timestamps).
import { jsonResponse } from "../jira/faults.ts";
import type { FRepository, GitHubStore } from "./store.ts";

export interface RestContext {
  store: GitHubStore;
  options: { maxPerPage?: number };
  budgetHeaders(resource: "core"): Record<string, string>;
  used: { core: number };
  baseUrl: string;
}

export function restRepository(r: FRepository, store: GitHubStore) {
  const owner = store.owner(r.owner);
  return {
    id: r.databaseId,
    node_id: r.id,
    name: r.name,
    full_name: r.nameWithOwner,
    private: r.isPrivate,
    owner: { login: r.owner, id: owner?.databaseId ?? 0, type: owner?.kind ?? "Organization" },
    html_url: `https://github.com/${r.nameWithOwner}`,
    description: r.description,
    fork: r.isFork,
    url: `https://api.github.com/repos/${r.nameWithOwner}`,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    pushed_at: r.pushedAt,
    size: 0,
    stargazers_count: r.stargazerCount,
    watchers_count: r.stargazerCount,
    language: r.language,
    forks_count: r.forkCount,
    archived: r.isArchived,
    disabled: false,
    open_issues_count: r.openIssues,
    topics: r.topics,
    visibility: r.visibility.toLowerCase(),
    default_branch: r.defaultBranch,
  };
}

function listing(ctx: RestContext, repos: FRepository[], url: URL, nextPath: string, prefix: string): Response {
  const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30) || 30, ctx.options.maxPerPage ?? 100);
  const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
  const slice = repos.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(repos.length / perPage));
  const link = (p: number, rel: string) => {
    const params = new URLSearchParams(url.searchParams);
    params.set("per_page", String(perPage));
    params.set("page", String(p));
    return `<${ctx.baseUrl}${prefix}${nextPath}?${params}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(page - 1, "prev")] : []),
    ...(page < last ? [link(page + 1, "next"), link(last, "last")] : []),
    ...(page > 1 ? [link(1, "first")] : []),
  ];
  return jsonResponse(slice.map((r) => restRepository(r, ctx.store)), 200, {
    ...ctx.budgetHeaders("core"),
    ...(links.length ? { link: links.join(", ") } : {}),
  });
}

export function repositoryRoutes(ctx: RestContext, method: string, path: string, url: URL): Response | undefined {
  if (method !== "GET") return undefined;
  const prefix = url.pathname.startsWith("/api/v3/") ? "/api/v3" : "";
  let m = path.match(/^\/(orgs|users)\/([^/]+)\/repos$/);
  if (m) {
    const owner = ctx.store.owner(decodeURIComponent(m[2]));
    if (!owner || (owner.kind === "Organization") !== (m[1] === "orgs")) return notFound();
    const next = owner.kind === "Organization" ? `/organizations/${owner.databaseId}/repos` : path;
    return listing(ctx, ctx.store.repositoriesOf(owner.login), url, next, prefix);
  }
  m = path.match(/^\/organizations\/(\d+)\/repos$/);
  if (m) {
    const owner = [...ctx.store.owners.values()].find((o) => o.databaseId === Number(m![1]));
    if (!owner) return notFound();
    return listing(ctx, ctx.store.repositoriesOf(owner.login), url, path, prefix);
  }
  m = path.match(/^\/repos\/([^/]+)\/([^/]+)$/);
  if (m) {
    const repo = ctx.store.repository(decodeURIComponent(m[1]), decodeURIComponent(m[2]));
    return repo ? jsonResponse(restRepository(repo, ctx.store), 200, ctx.budgetHeaders("core")) : notFound();
  }
  return undefined;
}

function notFound(): Response {
  return jsonResponse({ message: "Not Found", documentation_url: "https://docs.github.com/rest" }, 404);
}
