// Microsoft Graph delta queries for users and groups, on SourceHttpClient (pacing, Retry-After on 429/503,
// bounded retries, typed errors). A round starts at /v1.0/{users|groups}/delta with $select (and $filter) — they
// are encoded into the tokens, so later pages are the links Graph returns, followed as they are. A page with
// @odata.nextLink continues the round (it may hold no objects); the page with @odata.deltaLink ends it, and that
// link starts the next round. A 410 (syncStateNotFound, or a sync reset) means the link is no longer valid.
import { SourceHttpClient, type SourceHttpClientOptions } from "../../../http/client.ts";
import { SourceRequestError, SourceResponseError } from "../../../http/errors.ts";
import { redactUrl } from "../../../http/redact.ts";
import { MicrosoftTokenSource } from "../../microsoft/identity.ts";
import { GRAPH_GROUP_FIELDS, GRAPH_USER_FIELDS } from "../settings.ts";

export type GraphHttpOptions = Omit<SourceHttpClientOptions, "baseUrl" | "authorization" | "secrets">;
export type DeltaResource = "users" | "groups";

export interface Removed {
  reason?: string;
}

export interface GraphRef {
  "@odata.type"?: string;
  id: string;
  "@removed"?: Removed;
}

export interface GraphUser {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  accountEnabled?: boolean | null;
  "manager@delta"?: GraphRef[];
  "@removed"?: Removed;
}

export interface GraphGroup {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  description?: string | null;
  "members@delta"?: GraphRef[];
  "@removed"?: Removed;
}

export interface DeltaPage<T> {
  value: T[];
  nextLink: string | null;
  deltaLink: string | null;
}

/** The delta link Graph no longer honours (expired after ~7 days, or a sync reset): walk everything again. */
export class DeltaExpiredError extends Error {
  override readonly name = "DeltaExpiredError";
  constructor(readonly status: number, readonly code: string) {
    super(`Graph refused the stored delta link (${status} ${code})`);
  }
}

export class GraphClient {
  readonly http: SourceHttpClient;
  readonly root: URL;
  static readonly SCOPE_SUFFIX = "/.default";

  /** The run's request journal, also for the token requests this client causes (the token source is shared). */
  readonly #beforeSend?: () => Promise<void>;

  constructor(graphUrl: string, readonly tokens: MicrosoftTokenSource, http: GraphHttpOptions = {}) {
    this.root = new URL(`${graphUrl.replace(/\/+$/, "")}/v1.0`);
    this.#beforeSend = http.beforeSend;
    this.http = new SourceHttpClient({
      ...http,
      provider: "entra",
      baseUrl: this.root.href,
      authorization: tokens.authorization(this.scope, http.beforeSend),
      secrets: () => tokens.secrets,
    });
  }

  /** Graph's `.default` scope in this cloud (tokens are not interchangeable across clouds). */
  get scope(): string {
    return `${this.root.origin}${GraphClient.SCOPE_SUFFIX}`;
  }

  /** The first request of a full round. */
  startRequest(resource: DeltaResource, groupIds: readonly string[] = []): string {
    const url = new URL(`${this.root.href}/${resource}/delta`);
    url.searchParams.set("$select", (resource === "users" ? GRAPH_USER_FIELDS : GRAPH_GROUP_FIELDS).join(","));
    if (resource === "groups" && groupIds.length) {
      url.searchParams.set("$filter", groupIds.map((id) => `id eq '${id}'`).join(" or "));
    }
    return url.href;
  }

  /** One page of a round: `link` is a start request, a nextLink or a deltaLink (absolute URLs on Graph's host). */
  async deltaPage<T>(resource: DeltaResource, link: string): Promise<DeltaPage<T>> {
    const url = new URL(link);
    if (url.origin !== this.root.origin || !url.pathname.startsWith(this.root.pathname)) {
      // a link elsewhere would carry our token there
      throw new SourceResponseError("Graph returned a link outside its own root", {
        method: "GET",
        url: redactUrl(url),
        attempts: 0,
      });
    }
    const path = url.pathname.slice(this.root.pathname.length);
    const query = Object.fromEntries(url.searchParams);
    let res;
    try {
      res = await this.tokens.retryExpired(
        this.scope,
        () => this.http.getJson<Record<string, unknown>>(path, query, { endpoint: `GET ${resource}/delta` }),
        this.#beforeSend,
      );
    } catch (e) {
      if (e instanceof SourceRequestError && (e.status === 410 || /syncStateNotFound/i.test(e.excerpt ?? ""))) {
        const code = /syncStateNotFound/i.test(e.excerpt ?? "") ? "syncStateNotFound" : "Gone";
        throw new DeltaExpiredError(e.status ?? 410, code);
      }
      throw e;
    }
    const body = res.body ?? {};
    const value = body.value;
    const nextLink = typeof body["@odata.nextLink"] === "string" ? body["@odata.nextLink"] as string : null;
    const deltaLink = typeof body["@odata.deltaLink"] === "string" ? body["@odata.deltaLink"] as string : null;
    if (!Array.isArray(value) || (!nextLink && !deltaLink)) {
      throw new SourceResponseError("not a delta page (value with @odata.nextLink or @odata.deltaLink)", {
        method: "GET",
        url: redactUrl(url),
        status: res.status,
        attempts: res.attempts,
      });
    }
    return { value: value as T[], nextLink, deltaLink };
  }

  /** A cheap call for the connection test: one user's id. */
  async probe(): Promise<{ users: number }> {
    const res = await this.tokens.retryExpired(
      this.scope,
      () => this.http.getJson<{ value?: unknown[] }>("/users", { $select: "id", $top: 1 }, { endpoint: "GET users" }),
      this.#beforeSend,
    );
    return { users: Array.isArray(res.body?.value) ? res.body.value.length : 0 };
  }
}
