// SourceHttpClient against real HTTP: the fake Jira (faults, budget) and a few scripted servers for generic
// provider behaviour (GitHub headers, echoed credentials, redirects). Waits run on a VirtualClock, except the
// timeout tests, which need real time and use 150 ms timeouts.
import { assert, assertEquals, assertMatch, assertRejects, assertStringIncludes } from "../../tests/support/assert.ts";
import { type FakeJira, startFakeJira } from "../../tests/fakes/jira/mod.ts";
import { VirtualClock } from "./clock.ts";
import { SourceHttpClient, type SourceHttpClientOptions } from "./client.ts";
import {
  RateLimitedError,
  SourceAuthError,
  type SourceError,
  SourceRequestError,
  SourceResponseError,
  SourceUnavailableError,
} from "./errors.ts";
import { OPEN_ADDRESSES } from "./address_guard.ts"; // the test servers listen on loopback

const PATH = "/rest/api/3/myself";

function basic(jira: FakeJira, token = jira.basicAuth.token) {
  return `Basic ${btoa(`${jira.basicAuth.email}:${token}`)}`;
}

function clientFor(jira: FakeJira, clock: VirtualClock, extra: Partial<SourceHttpClientOptions> = {}) {
  const header = basic(jira);
  return new SourceHttpClient({
    addressGuard: OPEN_ADDRESSES,
    baseUrl: jira.url,
    authorization: () => header,
    secrets: () => [jira.basicAuth.token, header.slice(6)],
    clock,
    random: () => 0.5,
    maxAttempts: 4,
    ...extra,
  });
}

/** Fails when any rendering of the error carries a credential. */
function assertNoSecrets(error: unknown, secrets: string[]) {
  const e = error as Error;
  const renderings = [e.message, String(e.stack), JSON.stringify(e), Deno.inspect(e, { depth: 8 })];
  for (const text of renderings) {
    for (const secret of secrets) assert(!text.includes(secret), `credential leaked into: ${text.slice(0, 200)}`);
  }
}

async function withJira(fn: (jira: FakeJira, clock: VirtualClock) => Promise<void>, options = {}) {
  const clock = new VirtualClock();
  const jira = await startFakeJira({ clock, includeApacheProjects: false, ...options });
  try {
    await fn(jira, clock);
    assertEquals(jira.internalErrors, []);
  } finally {
    await jira.close();
  }
}

async function withScript(handler: (req: Request) => Response | Promise<Response>, fn: (url: string) => Promise<void>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

Deno.test("429 with Retry-After is retried after exactly the requested wait", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "rate_limit", retryAfterSeconds: 3, path: PATH });
    const client = clientFor(jira, clock);
    const { body } = await client.getJson<{ emailAddress: string }>(PATH);
    assertEquals(body.emailAddress, jira.basicAuth.email);
    assertEquals(jira.count(PATH), 2);
    assertEquals(client.requestsMade, 2);
    const waited = Math.max(...clock.sleeps);
    assert(waited >= 3000 && waited <= 3300, `waited ${waited} ms (3 s + ≤ 10 % jitter expected)`);
  }));

Deno.test("Retry-After as an HTTP date is honoured too", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "rate_limit", retryAfterSeconds: 5, httpDate: true, path: PATH });
    const client = clientFor(jira, clock);
    await client.getJson(PATH);
    const waited = Math.max(...clock.sleeps);
    // HTTP dates have whole-second precision.
    assert(waited >= 4000 && waited <= 5500, `waited ${waited} ms`);
  }));

Deno.test("IETF RateLimit-Reset and Jira's beta quota headers set the wait when Retry-After is absent", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "rate_limit", headerStyle: "ietf", retryAfterSeconds: 6, path: PATH });
    jira.inject({ kind: "rate_limit", headerStyle: "beta", retryAfterSeconds: 9, path: PATH });
    const client = clientFor(jira, clock);
    await client.getJson(PATH);
    const waits = clock.sleeps.filter((s) => s >= 1000);
    assertEquals(waits.length, 2);
    assert(waits[0] >= 6000 && waits[0] <= 6600, `IETF wait ${waits[0]}`);
    assert(waits[1] >= 9000 && waits[1] <= 9900, `beta wait ${waits[1]}`);
    assertEquals(jira.count(PATH), 3);
  }));

Deno.test("429 without Retry-After backs off at least a second", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "rate_limit", omitRetryAfter: true, path: PATH });
    await clientFor(jira, clock).getJson(PATH);
    assert(Math.max(...clock.sleeps) >= 1000);
    assertEquals(jira.count(PATH), 2);
  }));

Deno.test("a long Retry-After raises RateLimitedError with resumeAt instead of sleeping", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "rate_limit", retryAfterSeconds: 600, reason: "jira-quota-tenant-based", path: PATH });
    const client = clientFor(jira, clock, { maxWaitMs: 60_000 });
    const start = clock.now();
    const error = await assertRejects(() => client.getJson(PATH)) as RateLimitedError;
    assert(error instanceof RateLimitedError);
    const ahead = error.resumeAt.getTime() - start;
    assert(ahead >= 600_000 && ahead <= 601_000, `resumeAt ${ahead} ms ahead`);
    assertEquals(error.reason, "jira-quota-tenant-based");
    assertEquals(error.status, 429);
    assertEquals(jira.count(PATH), 1);
    assert(clock.totalSlept < 60_000, "did not sleep through the wait");
    // The pacer remembers the block: the next call refuses without touching the server.
    await assertRejects(() => client.getJson(PATH), /rate limited/);
    assertEquals(jira.count(PATH), 1);
    assertNoSecrets(error, [jira.basicAuth.token, basic(jira).slice(6)]);
  }));

Deno.test("500 is retried with backoff and then succeeds", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "status", status: 500, path: PATH, times: 2 });
    const events: string[] = [];
    const client = clientFor(jira, clock, { onRequest: (e) => events.push(`${e.outcome}:${e.status}`) });
    await client.getJson(PATH);
    assertEquals(events, ["retry:500", "retry:500", "ok:200"]);
    assertEquals(client.requestsMade, 3);
    // Full jitter with random() = 0.5: 0.5 × 500 ms, then 0.5 × 1000 ms.
    assertEquals(clock.sleeps.filter((s) => s > 0), [250, 500]);
  }));

Deno.test("persistent 500 fails after maxAttempts with status and excerpt", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "status", status: 500, path: PATH, times: Infinity });
    const error = await assertRejects(() => clientFor(jira, clock).getJson(PATH)) as SourceUnavailableError;
    assert(error instanceof SourceUnavailableError);
    assertEquals(error.status, 500);
    assertEquals(error.attempts, 4);
    assertEquals(jira.count(PATH), 4);
    assertMatch(error.message, /GET http:\/\/127\.0\.0\.1:\d+\/rest\/api\/3\/myself → 500 after 4 attempts/);
    assertStringIncludes(error.excerpt ?? "", "Internal server error");
  }));

Deno.test("a 5xx the request marks as a definite refusal fails at once; other 5xx are still retried", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "status", status: 500, path: PATH, times: Infinity });
    const refusal = (status: number, text: string) => status === 500 && text.includes("Internal server error");
    const error = await assertRejects(() => clientFor(jira, clock).getJson(PATH, {}, { refusal })) as SourceError;
    assert(error instanceof SourceUnavailableError);
    assertEquals([error.status, error.attempts, jira.count(PATH)], [500, 1, 1]);
    // an answer the predicate does not recognize is retried as before
    const other = await assertRejects(() =>
      clientFor(jira, clock).getJson(PATH, {}, { refusal: (_s, text) => text.includes("search limit") })
    ) as SourceError;
    assertEquals([other.attempts, jira.count(PATH)], [4, 5]);
  }));

Deno.test("503 with Retry-After waits as told", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "status", status: 503, retryAfterSeconds: 2, path: PATH });
    await clientFor(jira, clock).getJson(PATH);
    const waited = Math.max(...clock.sleeps);
    assert(waited >= 2000 && waited <= 2200, `waited ${waited}`);
  }));

Deno.test("a slow response times out and the retry succeeds", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "delay", ms: 3000, path: PATH });
    const started = performance.now();
    const events: string[] = [];
    const client = clientFor(jira, clock, { timeoutMs: 150, onRequest: (e) => events.push(e.error ?? e.outcome) });
    await client.getJson(PATH);
    assertEquals(events, ["timed out", "ok"]);
    assert(performance.now() - started < 2000, "did not wait for the slow response");
  }));

Deno.test("a server that never answers in time ends in SourceUnavailableError", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "delay", ms: 3000, path: PATH, times: Infinity });
    const client = clientFor(jira, clock, { timeoutMs: 100, maxAttempts: 2 });
    const error = await assertRejects(() => client.getJson(PATH), /timed out/);
    assert(error instanceof SourceUnavailableError);
    assertEquals(jira.count(PATH), 2);
  }));

Deno.test("truncated JSON raises SourceResponseError with URL and excerpt, no retry", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "truncated_json", path: "/project/search" });
    const client = clientFor(jira, clock);
    const error = await assertRejects(() => client.getJson("/rest/api/3/project/search", { maxResults: 5 }));
    assert(error instanceof SourceResponseError, String(error));
    assertMatch(error.message, /malformed JSON/);
    assertStringIncludes(error.url, "/rest/api/3/project/search?maxResults=5");
    assertEquals(error.status, 200);
    assert((error.excerpt ?? "").startsWith('{"self"'), error.excerpt);
    assert((error.excerpt ?? "").length <= 300);
    assertEquals(jira.count("/project/search"), 1);
  }));

Deno.test("an HTML page with 200 is a SourceResponseError; a 502 gateway page is retried", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "html", status: 200, path: PATH });
    const client = clientFor(jira, clock);
    const error = await assertRejects(() => client.getJson(PATH), /HTML page/);
    assert(error instanceof SourceResponseError);
    assertStringIncludes((error as SourceResponseError).excerpt ?? "", "Log in with Atlassian account");

    jira.inject({ kind: "html", status: 502, path: PATH });
    await client.getJson(PATH);
    assertEquals(jira.requests.slice(-2).map((r) => r.status), [502, 200]);
  }));

Deno.test("401 raises SourceAuthError at once and never leaks the credentials", () =>
  withJira(async (jira, clock) => {
    const wrong = "wrong-token-3b1f9c0d77";
    const header = basic(jira, wrong);
    const client = new SourceHttpClient({
      addressGuard: OPEN_ADDRESSES,
      baseUrl: jira.url,
      authorization: () => header,
      secrets: () => [wrong, header.slice(6)],
      clock,
    });
    const error = await assertRejects(() => client.getJson(PATH), /authentication failed/);
    assert(error instanceof SourceAuthError);
    assertEquals((error as SourceAuthError).status, 401);
    assertEquals(jira.count(PATH), 1, "auth failures are not retried");
    assertNoSecrets(error, [wrong, header.slice(6), btoa(`${jira.basicAuth.email}:${wrong}`)]);

    jira.inject({ kind: "expired_token", path: PATH });
    const expired = await assertRejects(() => clientFor(jira, clock).getJson(PATH));
    assert(expired instanceof SourceAuthError);
  }));

Deno.test("a connection dropped mid-body is retried", () =>
  withJira(async (jira, clock) => {
    jira.inject({ kind: "reset", path: PATH });
    const events: string[] = [];
    await clientFor(jira, clock, { onRequest: (e) => events.push(e.outcome) }).getJson(PATH);
    assertEquals(events, ["retry", "ok"]);
  }));

Deno.test("the pacer keeps a client inside the server's budget; without it the server refuses", async () => {
  const run = async (pacer: SourceHttpClientOptions["pacer"]) => {
    let refusals = 0;
    await withJira(async (jira, clock) => {
      const client = clientFor(jira, clock, { pacer, maxRateLimitRetries: 50 });
      for (let i = 0; i < 30; i++) await client.getJson(PATH);
      refusals = jira.requests.filter((r) => r.status === 429).length;
      assertEquals(jira.requests.filter((r) => r.status === 200).length, 30);
    }, { rateLimit: { limit: 10, windowMs: 1000 } });
    return refusals;
  };
  assertEquals(await run({ ratePerSecond: 100 }), 0, "paced client is never refused");
  assert(await run(false) > 0, "unpaced client runs into 429s (and still completes)");
});

Deno.test("credentials echoed by a server are scrubbed from excerpts", () =>
  withScript(
    (req) => new Response(`bad request, you sent ${req.headers.get("authorization")}`, { status: 400 }),
    async (url) => {
      const token = "ghp_0123456789abcdefSECRET";
      const client = new SourceHttpClient({
        addressGuard: OPEN_ADDRESSES,
        baseUrl: url,
        authorization: () => `Bearer ${token}`,
        secrets: () => [token],
        clock: new VirtualClock(),
      });
      const error = await assertRejects(() => client.getJson("/x", { api_key: "k-123456" }));
      assert(error instanceof SourceRequestError);
      assertStringIncludes(error.message, "api_key=%5Bredacted%5D");
      assertNoSecrets(error, [token, "k-123456"]);
    },
  ));

Deno.test("GitHub-style 403 with remaining 0 is a rate limit, and pacing refuses before sending", () => {
  let calls = 0;
  const clock = new VirtualClock();
  const reset = String(Math.floor(clock.now() / 1000) + 900);
  return withScript(() => {
    calls++;
    const headers = { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset, "content-type": "application/json" };
    return calls === 1
      ? new Response('{"ok":true}', { status: 200, headers })
      : new Response('{"message":"API rate limit exceeded"}', { status: 403, headers });
  }, async (url) => {
    const client = new SourceHttpClient({ addressGuard: OPEN_ADDRESSES, baseUrl: url, clock });
    await client.getJson("/repos");
    const error = await assertRejects(() => client.getJson("/repos")) as RateLimitedError;
    assert(error instanceof RateLimitedError, String(error));
    assertEquals(error.resumeAt.getTime(), Number(reset) * 1000);
    assertEquals(calls, 1, "the exhausted budget was known from headers; nothing was sent");

    const unpaced = new SourceHttpClient({ addressGuard: OPEN_ADDRESSES, baseUrl: url, clock, pacer: false });
    const refused = await assertRejects(() => unpaced.getJson("/repos"));
    assert(refused instanceof RateLimitedError, "403 + remaining 0 is not an auth error");
  });
});

Deno.test("redirects are followed on the same origin only; other 4xx are not retried", () => {
  let hits = 0;
  return withScript((req) => {
    hits++;
    const path = new URL(req.url).pathname;
    if (path === "/old") return new Response(null, { status: 301, headers: { location: "/new" } });
    if (path === "/away") return new Response(null, { status: 302, headers: { location: "https://elsewhere.test/x" } });
    if (path === "/new") return Response.json({ moved: true });
    return Response.json({ errorMessages: ["nope"] }, { status: 404 });
  }, async (url) => {
    const client = new SourceHttpClient({ addressGuard: OPEN_ADDRESSES, baseUrl: url, clock: new VirtualClock() });
    assertEquals((await client.getJson<{ moved: boolean }>("/old")).body, { moved: true });
    await assertRejects(() => client.getJson("/away"), /cross-origin/);
    const before = hits;
    const missing = await assertRejects(() => client.getJson("/missing"));
    assert(missing instanceof SourceRequestError);
    assertEquals((missing as SourceRequestError).status, 404);
    assertEquals(hits - before, 1);
  });
});

Deno.test("base URLs carrying credentials are refused", () => {
  try {
    new SourceHttpClient({ baseUrl: "https://bot:secret@jira.example.com" });
    throw new Error("accepted");
  } catch (error) {
    assertStringIncludes((error as Error).message, "must not carry credentials");
    assert(!(error as Error).message.includes("secret@"));
  }
});

Deno.test("beforeSend runs before every request is sent, retries included; its failure sends nothing", async () => {
  let journaled = 0;
  const seenAtArrival: number[] = [];
  await withScript((_req) => {
    seenAtArrival.push(journaled);
    // the first answer is a retried 500: the retry is journaled before it is sent too
    return seenAtArrival.length === 1
      ? new Response("down", { status: 500 })
      : Response.json({ ok: true }, { status: 200 });
  }, async (url) => {
    const base = { addressGuard: OPEN_ADDRESSES, baseUrl: url, clock: new VirtualClock(), random: () => 0 };
    const client = new SourceHttpClient({
      ...base,
      beforeSend: async () => {
        await new Promise((r) => setTimeout(r, 5)); // a real commit takes a while; the send must wait for it
        journaled++;
      },
    });
    await client.getJson("/x");
    assertEquals(seenAtArrival, [1, 2], "each request arrived after its own journal entry");

    // the database is down: that error comes through as it is (no retry as a network error), nothing is sent
    const down = new Error("connection refused (database)");
    const failing = new SourceHttpClient({ ...base, beforeSend: () => Promise.reject(down) });
    const error = await assertRejects(() => failing.getJson("/x"));
    assert(error === down, `the journal's own error, got ${error}`);
    assertEquals(seenAtArrival.length, 2, "no request was sent without its journal entry");
  });
});
