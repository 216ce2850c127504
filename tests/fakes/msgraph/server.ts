// A fake Microsoft identity platform + Graph on 127.0.0.1 for the Entra ID connector tests. Shapes follow Graph's
// public documentation examples: the v2.0 client-credentials token endpoint (form post → token_type, expires_in,
// access_token; refused credentials → 400 invalid_client with an AADSTS description; with a registered certificate,
// a client assertion instead of the secret, checked by assertion.ts), and /v1.0/users/delta and
// /v1.0/groups/delta rounds (value + @odata.nextLink with a $skiptoken, the last page with @odata.deltaLink and a
// $deltatoken). Faults on demand: 429 with Retry-After, an expired delta token (410 syncStateNotFound), every
// issued access token expiring at once (401 InvalidAuthenticationToken), an empty page in the middle of a round.
import { FakeDirectory } from "./directory.ts";
import { type AssertionCheck, AssertionVerifier } from "./assertion.ts";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export interface FakeGraphOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Objects per page (Graph's own page size varies; tests use small pages). */
  pageSize?: number;
  /** Members per group item. */
  memberSlice?: number;
  /** Seconds an access token lives (expires_in). */
  tokenLifetime?: number;
  /** PEM certificate registered for the app: client assertions signed by its key are accepted too. */
  certificate?: string;
}

export interface GraphRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface FakeGraph {
  url: string;
  directory: FakeDirectory;
  credentials: { kind: "client_credentials"; tenantId: string; clientId: string; clientSecret: string };
  requests: GraphRequest[];
  /** Every client assertion presented to the token endpoint, with the verdict. */
  assertions: AssertionCheck[];
  /** Tokens minted by the token endpoint. */
  readonly tokensIssued: number;
  internalErrors: string[];
  /** The next `n` Graph calls answer 429 with Retry-After: `seconds`. */
  throttle(n: number, seconds: number): void;
  /** Delta tokens issued so far are refused with 410 syncStateNotFound. */
  expireDeltaTokens(): void;
  /** Every access token issued so far is refused with 401. */
  expireAccessTokens(): void;
  /** Whether an access token was issued by this fake and not expired (the fake OneLake asks). */
  validToken(token: string): boolean;
  /** The next round of this resource gets an empty page after its first page. */
  emptyPageNextRound(resource: "users" | "groups"): void;
  close(): Promise<void>;
}

interface Round {
  items: Record<string, unknown>[][];
  deltaToken: number;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return json(status, { error: { code, message, innerError: { date: new Date().toISOString() } } }, headers);
}

export function startFakeGraph(options: FakeGraphOptions = {}): FakeGraph {
  const tenantId = options.tenantId ?? "11111111-2222-4333-8444-555555555555";
  const clientId = options.clientId ?? "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  const clientSecret = options.clientSecret ?? `secret-${crypto.randomUUID()}`;
  const pageSize = options.pageSize ?? 3;
  const slice = options.memberSlice ?? 2;
  const directory = new FakeDirectory();
  const requests: GraphRequest[] = [];
  const internalErrors: string[] = [];
  const tokens = new Set<string>();
  const rounds = new Map<string, Round>();
  const emptyPage = new Set<string>();
  let throttled = { n: 0, seconds: 0 };
  let deltaValidFrom = 0;
  let minted = 0;
  let origin = "";

  const verifier = options.certificate ? new AssertionVerifier(options.certificate, clientId) : null;
  const assertions: AssertionCheck[] = [];
  const invalidClient = (description: string) =>
    json(400, {
      error: "invalid_client",
      error_description: description,
      error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1])],
      trace_id: crypto.randomUUID(),
      correlation_id: crypto.randomUUID(),
    });

  /** Whether the form proves the client (its secret, or an assertion signed by the registered certificate). */
  async function clientRefusal(form: URLSearchParams): Promise<string | null> {
    if (form.get("client_id") !== clientId) return "AADSTS700016: Application not found in the directory.";
    const assertion = form.get("client_assertion");
    if (assertion === null) {
      return form.get("client_secret") === clientSecret ? null : "AADSTS7000215: Invalid client secret provided.";
    }
    if (form.get("client_assertion_type") !== JWT_BEARER) {
      return "AADSTS700024: client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.";
    }
    if (!verifier) return "AADSTS700027: No certificate is registered on the application.";
    const check = await verifier.check(assertion, `${origin}/${tenantId}/oauth2/v2.0/token`);
    assertions.push(check);
    return check.ok ? null : check.error!;
  }

  async function token(form: URLSearchParams): Promise<Response> {
    if (form.get("grant_type") !== "client_credentials") {
      return json(400, { error: "unsupported_grant_type", error_description: "AADSTS70003: grant type" });
    }
    const refusal = await clientRefusal(form);
    if (refusal) return invalidClient(refusal);
    if (!/\/\.default$/.test(form.get("scope") ?? "")) {
      return json(400, { error: "invalid_scope", error_description: "AADSTS1002012: The provided value for scope" });
    }
    const t = `fake-graph-token-${crypto.randomUUID()}`;
    tokens.add(t);
    minted++;
    return json(200, {
      token_type: "Bearer",
      expires_in: options.tokenLifetime ?? 3599,
      ext_expires_in: 3599,
      access_token: t,
    });
  }

  function delta(resource: "users" | "groups", query: URLSearchParams): Response {
    const base = `${origin}/v1.0/${resource}/delta`;
    const skip = query.get("$skiptoken");
    let roundId: string;
    let page = 0;
    if (skip) {
      [roundId, page] = [skip.split(".")[0], Number(skip.split(".")[1])];
      if (!rounds.has(roundId)) return graphError(400, "BadRequest", "Invalid skip token");
    } else {
      const dt = query.get("$deltatoken");
      let since: number | null = null;
      if (dt !== null) {
        since = Number(dt);
        if (!Number.isFinite(since) || since < deltaValidFrom) {
          return graphError(410, "syncStateNotFound", "The sync state generation is not found.");
        }
      }
      const filter = query.get("$filter");
      const ids = filter ? new Set([...filter.matchAll(/id eq '([^']+)'/g)].map((m) => m[1])) : null;
      const items = resource === "users" ? directory.userItems(since) : directory.groupItems(since, slice, ids);
      const pages: Record<string, unknown>[][] = [];
      for (let i = 0; i < items.length; i += pageSize) pages.push(items.slice(i, i + pageSize));
      if (pages.length === 0) pages.push([]);
      if (emptyPage.delete(resource) && pages.length > 1) pages.splice(1, 0, []);
      roundId = crypto.randomUUID().slice(0, 8);
      rounds.set(roundId, { items: pages, deltaToken: directory.version });
    }
    const round = rounds.get(roundId)!;
    const last = page >= round.items.length - 1;
    const body: Record<string, unknown> = {
      "@odata.context": `${origin}/v1.0/$metadata#${resource}`,
      value: round.items[page] ?? [],
    };
    if (last) body["@odata.deltaLink"] = `${base}?$deltatoken=${round.deltaToken}`;
    else body["@odata.nextLink"] = `${base}?$skiptoken=${roundId}.${page + 1}`;
    return json(200, body);
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (req.method === "POST" && url.pathname === `/${tenantId}/oauth2/v2.0/token`) {
      return await token(new URLSearchParams(await req.text()));
    }
    if (req.method === "POST" && /\/oauth2\/v2\.0\/token$/.test(url.pathname)) {
      return json(400, { error: "invalid_request", error_description: "AADSTS90002: Tenant not found." });
    }
    const auth = req.headers.get("authorization")?.replace(/^Bearer /, "");
    if (!auth || !tokens.has(auth)) {
      return graphError(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.");
    }
    if (throttled.n > 0) {
      throttled.n--;
      return graphError(429, "TooManyRequests", "Too many requests", { "retry-after": String(throttled.seconds) });
    }
    if (req.method === "GET" && url.pathname === "/v1.0/users/delta") return delta("users", url.searchParams);
    if (req.method === "GET" && url.pathname === "/v1.0/groups/delta") return delta("groups", url.searchParams);
    if (req.method === "GET" && url.pathname === "/v1.0/users") {
      const live = [...directory.users.values()].filter((u) => !u.removed).map((u) => ({ id: u.value.id }));
      return json(200, { value: live.slice(0, Number(url.searchParams.get("$top") ?? 100)) });
    }
    return graphError(404, "Request_ResourceNotFound", `no route ${req.method} ${url.pathname}`);
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    let res: Response;
    try {
      res = await handle(req);
    } catch (e) {
      internalErrors.push(String((e as Error).stack ?? e));
      res = graphError(500, "InternalServerError", "fake failed");
    }
    requests.push({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: res.status,
    });
    return res;
  });
  origin = `http://127.0.0.1:${server.addr.port}`;

  return {
    url: origin,
    directory,
    credentials: { kind: "client_credentials", tenantId, clientId, clientSecret },
    requests,
    assertions,
    get tokensIssued() {
      return minted;
    },
    internalErrors,
    throttle(n, seconds) {
      throttled = { n, seconds };
    },
    expireDeltaTokens() {
      deltaValidFrom = ++directory.version;
    },
    expireAccessTokens() {
      tokens.clear();
    },
    validToken: (t) => tokens.has(t),
    emptyPageNextRound(resource) {
      emptyPage.add(resource);
    },
    close: () => server.shutdown(),
  };
}
