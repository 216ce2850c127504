// The fake's GraphQL endpoint: incoming queries are parsed and validated against GitHub's real public schema
// (tests/fixtures/recorded/github-graphql-schema, MIT) with graphql-js, priced with GitHub's formula, refused the
// way GitHub refuses them (a connection without first/last, more than 100 per page, over 500,000 nodes), and
// executed against the store with real cursor semantics (keyset on (updatedAt, id) for UPDATED_AT order, node
// positions elsewhere), nested pagination and `rateLimit`.
import {
  buildSchema,
  type DocumentNode,
  execute,
  type FieldNode,
  getNamedType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type SelectionSetNode,
  validate,
  type ValueNode,
} from "graphql";
import type { GitHubStore, PrHandle } from "./store.ts";

const SCHEMA_FILE = new URL("../../fixtures/recorded/github-graphql-schema/schema.graphql", import.meta.url);
let schema: GraphQLSchema | undefined;

/** GitHub's schema, built once per process (about a second). */
export function githubSchema(): GraphQLSchema {
  schema ??= buildSchema(Deno.readTextFileSync(SCHEMA_FILE), { assumeValidSDL: true });
  return schema;
}

export interface GraphQLErrorOut {
  type?: string;
  message: string;
  path?: (string | number)[];
  locations?: unknown;
}

export interface Analysis {
  requests: number;
  nodes: number;
  cost: number;
  errors: GraphQLErrorOut[];
}

const MAX_NODES = 500_000;

function argValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.NULL) return null;
  return undefined;
}

/** Requests, nodes and points of a query, by GitHub's rules (docs: rate limits and query limits for GraphQL). */
export function analyze(doc: DocumentNode, variables: Record<string, unknown>): Analysis {
  const s = githubSchema();
  const out: Analysis = { requests: 0, nodes: 0, cost: 0, errors: [] };
  const fragments = new Map(
    doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType, multiplier: number) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? s.getType(sel.typeCondition.name.value)! : parent;
        walk(sel.selectionSet, type, multiplier);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (f) walk(f.selectionSet, s.getType(f.typeCondition.name.value)!, multiplier);
      } else field(sel, parent, multiplier);
    }
  };
  const field = (sel: FieldNode, parent: GraphQLNamedType, multiplier: number) => {
    if (sel.name.value.startsWith("__") || !(isObjectType(parent) || isInterfaceType(parent))) return;
    const def = parent.getFields()[sel.name.value] as GraphQLField<unknown, unknown> | undefined;
    if (!def) return;
    const named = getNamedType(def.type);
    let child = multiplier;
    if (named.name.endsWith("Connection")) {
      const arg = (n: string) => argValue(sel.arguments?.find((a) => a.name.value === n)?.value, variables);
      const size = (arg("first") ?? arg("last")) as number | null | undefined;
      if (size === undefined || size === null) {
        out.errors.push({
          type: "MISSING_PAGINATION_BOUNDARIES",
          message:
            `You must provide a \`first\` or \`last\` value to properly paginate the \`${sel.name.value}\` connection.`,
        });
        return;
      }
      if (size > 100 || size < 0) {
        out.errors.push({
          type: "EXCESSIVE_PAGINATION",
          message:
            `Requesting ${size} records on the \`${sel.name.value}\` connection exceeds the \`first\` limit of 100 records.`,
        });
        return;
      }
      out.requests += multiplier;
      out.nodes += multiplier * size;
      child = multiplier * size;
    }
    if (sel.selectionSet && isCompositeType(named)) walk(sel.selectionSet, named, child);
  };
  for (const d of doc.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) walk(d.selectionSet, s.getQueryType()!, 1);
  }
  if (out.nodes > MAX_NODES) {
    out.errors.push({
      type: "MAX_NODE_LIMIT_EXCEEDED",
      message: `This query requests up to ${out.nodes} possible nodes which exceeds the maximum limit of ${MAX_NODES}.`,
    });
  }
  out.cost = Math.max(1, Math.round(out.requests / 100));
  return out;
}

export function parseQuery(source: string): { doc?: DocumentNode; errors: GraphQLErrorOut[] } {
  try {
    const doc = parse(source);
    const errors = validate(githubSchema(), doc).map((e) => ({
      message: e.message,
      locations: e.locations,
    }));
    return { doc, errors };
  } catch (e) {
    return { errors: [{ message: (e as Error).message }] };
  }
}

interface Page<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null; startCursor: string | null };
  nodes: T[];
  edges: Array<{ cursor: string; node: T }>;
}

const encode = (value: unknown) => btoa(`cursor:v2:${JSON.stringify(value)}`);
function decode(cursor: unknown): unknown {
  try {
    const text = atob(String(cursor));
    return text.startsWith("cursor:v2:") ? JSON.parse(text.slice(10)) : undefined;
  } catch {
    return undefined;
  }
}

export class CursorError extends Error {}

/** One page of a list; `keyOf` names an item's position, `after` resumes strictly after that position. */
function paginate<T>(
  items: T[],
  args: { first?: number; after?: string | null },
  keyOf: (item: T, index: number) => unknown,
  resume: (key: unknown) => number,
): Page<T> {
  let start = 0;
  if (args.after) {
    const key = decode(args.after);
    if (key === undefined) throw new CursorError(`\`${args.after}\` does not appear to be a valid cursor.`);
    start = resume(key);
  }
  const first = args.first ?? items.length;
  const slice = items.slice(start, start + first);
  const edges = slice.map((node, i) => ({ cursor: encode(keyOf(node, start + i)), node }));
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      endCursor: edges.length ? edges[edges.length - 1].cursor : args.after ?? null,
      startCursor: edges[0]?.cursor ?? null,
    },
    nodes: slice,
    edges,
  };
}

/** Position cursors over a stable list: (index, id); a vanished id resumes at its old index. */
function byPosition<T>(items: T[], args: { first?: number; after?: string | null }): Page<T> {
  const idOf = (x: T) => (x as { id?: string }).id ?? (x as { commit?: { oid: string } }).commit?.oid;
  return paginate(items, args, (x, i) => [i, idOf(x)], (key) => {
    const [i, id] = key as [number, string];
    const found = items.findIndex((x) => idOf(x) === id);
    return (found >= 0 ? found : i) + 1;
  });
}

export interface ExecContext {
  store: GitHubStore;
  rateLimit: Record<string, unknown> | null;
}

const resolve: GraphQLFieldResolver<unknown, ExecContext> = (source, args, ctx, info) => {
  const a = args as { first?: number; after?: string | null };
  if (info.parentType.name === "Query") {
    switch (info.fieldName) {
      case "repository":
        return ctx.store.repository(String(args.owner), String(args.name)) ?? null;
      case "node":
        return ctx.store.node(String(args.id)) ?? null;
      case "nodes":
        return (args.ids as string[]).map((id) => ctx.store.node(id) ?? null);
      case "rateLimit":
        return ctx.rateLimit;
      case "search":
        return searchPullRequests(ctx.store, String(args.query), String(args.type));
      default:
        return null;
    }
  }
  if (info.parentType.name === "Repository" && info.fieldName === "pullRequests") {
    const repo = source as { id: string };
    const handles = ctx.store.pullRequestsOf(repo.id);
    const page = paginate(handles, a, (h: PrHandle) => [h.updatedAt, h.id], (key) => {
      const [at, id] = key as [string, string];
      const next = handles.findIndex((h) => h.updatedAt < at || (h.updatedAt === at && h.id > id));
      return next < 0 ? handles.length : next;
    });
    const nodes = page.nodes.map((h) => ctx.store.pr(h));
    return { ...page, nodes, edges: page.edges.map((e, i) => ({ ...e, node: nodes[i] })) };
  }
  const value = (source as Record<string, unknown>)[info.fieldName];
  if (getNamedType(info.returnType).name.endsWith("Connection") && Array.isArray(value)) {
    return byPosition(value, a);
  }
  return value;
};

/**
 * `search(type: ISSUE)` for pull requests, counts only: the qualifiers a count needs — is:pr, user:/org:/repo:
 * (several of one kind are OR'ed, as on GitHub), updated:>=, archived:true|false. Anything else is refused, so a
 * query the fake does not understand fails loudly instead of counting wrong.
 */
function searchPullRequests(store: GitHubStore, query: string, type: string) {
  if (type !== "ISSUE") throw new Error(`the fake searches issues only, not ${type}`);
  const owners: string[] = [];
  const repos: string[] = [];
  let since = "";
  let archived: boolean | undefined;
  let prsOnly = false;
  for (const term of query.trim().split(/\s+/)) {
    const [, key, value] = term.match(/^([a-z]+):(.+)$/) ?? [];
    if (key === "is" && value === "pr") prsOnly = true;
    else if (key === "user" || key === "org") owners.push(value.toLowerCase());
    else if (key === "repo") repos.push(value.toLowerCase());
    else if (key === "updated" && value.startsWith(">=")) since = new Date(value.slice(2)).toISOString();
    else if (key === "archived" && (value === "true" || value === "false")) archived = value === "true";
    else throw new Error(`the fake does not understand the search term ${term}`);
  }
  if (!prsOnly) throw new Error("the fake counts pull requests only (is:pr)");
  let issueCount = 0;
  for (const repo of store.repos) {
    if (owners.length && !owners.includes(repo.owner.toLowerCase())) continue;
    if (repos.length && !repos.includes(repo.nameWithOwner.toLowerCase())) continue;
    if (archived !== undefined && repo.isArchived !== archived) continue;
    issueCount += store.pullRequestsOf(repo.id).filter((h) => new Date(h.updatedAt).toISOString() >= since).length;
  }
  const pageInfo = { hasNextPage: issueCount > 0, hasPreviousPage: false, endCursor: null, startCursor: null };
  return { issueCount, repositoryCount: 0, codeCount: 0, discussionCount: 0, userCount: 0, wikiCount: 0, pageInfo };
}

export interface ExecResult {
  data: Record<string, unknown> | null;
  errors: GraphQLErrorOut[];
}

export async function run(
  doc: DocumentNode,
  variables: Record<string, unknown>,
  ctx: ExecContext,
): Promise<ExecResult> {
  const result = await execute({
    schema: githubSchema(),
    document: doc,
    variableValues: variables,
    contextValue: ctx,
    fieldResolver: resolve,
  });
  const errors = (result.errors ?? []).map((e) => ({
    ...(e.originalError instanceof CursorError ? { type: "INVALID_CURSOR_ARGUMENTS" } : {}),
    message: e.message,
    path: e.path as (string | number)[] | undefined,
  }));
  return { data: (result.data as Record<string, unknown> | null) ?? null, errors };
}

/** GitHub answers a missing repository with data null at that path and a NOT_FOUND error. */
export function notFoundErrors(
  doc: DocumentNode,
  data: Record<string, unknown> | null,
  variables: Record<string, unknown>,
) {
  const errors: GraphQLErrorOut[] = [];
  for (const d of doc.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const sel of d.selectionSet.selections) {
      if (sel.kind !== Kind.FIELD || sel.name.value !== "repository") continue;
      const key = sel.alias?.value ?? sel.name.value;
      if (data && data[key] === null) {
        const arg = (n: string) =>
          argValue(sel.arguments?.find((a) => a.name.value === n)?.value, variables) ??
            (sel.arguments?.find((a) => a.name.value === n)?.value as { value?: string } | undefined)?.value;
        errors.push({
          type: "NOT_FOUND",
          path: [key],
          message: `Could not resolve to a Repository with the name '${arg("owner")}/${arg("name")}'.`,
        });
      }
    }
  }
  return errors;
}
