// GitHub users, bots and mannequins seen in a page → identities rows keyed by login (what every GraphQL actor
// carries). The e-mail comes from the integration's login → e-mail mapping, else the public profile; it becomes
// the person_key, which is how the same person's Jira account is found (identities_person_idx).
import type { GhActor, GhPullRequest } from "../client/types.ts";
import { dedupeBy, type Scope, scoped, upsertWithIds } from "../../common/db_util.ts";
import { IDENTITIES, personKey } from "../../common/identities.ts";

export function identityRow(scope: Scope, actor: GhActor, emails: Record<string, string>) {
  const email = emails[actor.login] ?? (actor.email?.trim() || null);
  return scoped(scope, {
    external_id: actor.login,
    display_name: actor.name?.trim() || actor.login,
    email,
    login: actor.login,
    avatar_url: null,
    person_key: personKey(email),
    active: true,
  });
}

/** Every actor a PR names: author, merger, reviewers, commenters, commit authors. */
export function actorsOfPullRequest(pr: GhPullRequest): Array<GhActor | null | undefined> {
  return [
    pr.author,
    pr.mergedBy,
    ...(pr.commits?.nodes ?? []).map((c) => c.commit.author?.user as GhActor | null | undefined),
    ...(pr.reviews?.nodes ?? []).map((r) => r.author),
    ...(pr.comments?.nodes ?? []).map((c) => c.author),
    ...(pr.reviewThreads?.nodes ?? []).flatMap((t) => (t.comments?.nodes ?? []).map((c) => c.author)),
  ];
}

/**
 * Upserts the actors (sorted by login, so concurrent pages lock the same rows in the same order) and returns
 * the identity id of each login.
 */
export async function upsertActors(
  scope: Scope,
  actors: Array<GhActor | null | undefined>,
  emails: Record<string, string>,
): Promise<{ ids: Map<string, number>; written: number[] }> {
  const rows = dedupeBy(
    actors.filter((a): a is GhActor => !!a?.login).map((a) => identityRow(scope, a, emails)),
    (r) => String(r.external_id),
  ).sort((a, b) => String(a.external_id).localeCompare(String(b.external_id)));
  if (rows.length === 0) return { ids: new Map(), written: [] };
  return await upsertWithIds(scope, IDENTITIES, rows);
}
