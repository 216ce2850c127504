// The GitHub provider: the connection test reports who the credentials are (a token's user and scopes, or a GitHub
// App's installation and its permissions) and the remaining budget per resource (unlimited on an Enterprise Server
// without rate limiting); a GitHub App syncs with installation tokens minted from an RS256 JWT, cached, and minted
// again when GitHub refuses one; settings and credentials are refused with the field and the reason.
import { generateKeyPairSync } from "node:crypto";
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { githubProvider } from "../../server/providers/github.ts";
import { validateWith } from "../../server/providers/index.ts";
import { githubCredentialsSchema, githubSettingsSchema } from "../../engine/connectors/github/settings.ts";
import { type FakeGitHub, startFakeGitHub } from "../fakes/github/mod.ts";
import { VirtualClock } from "../../engine/http/clock.ts";
import { count, FAST_HTTP, RECORDED_ORG, withGitHub } from "./support.ts";
import { OPEN_ADDRESSES } from "../../engine/http/address_guard.ts";

const kind = primaryKind();
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
// GitHub hands out PKCS#1 ("BEGIN RSA PRIVATE KEY") files
const PRIVATE_PEM = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const PUBLIC_PEM = publicKey.export({ type: "spki", format: "pem" }).toString();
const APP = { appId: 4711, publicKeyPem: PUBLIC_PEM, installationId: 99 };
const appCredentials = { kind: "github_app", appId: 4711, privateKey: PRIVATE_PEM };

async function withFake(options: Parameters<typeof startFakeGitHub>[0], fn: (g: FakeGitHub) => Promise<void>) {
  const github = await startFakeGitHub(options);
  try {
    await fn(github);
    assertEquals(github.internalErrors, []);
  } finally {
    await github.close();
  }
}

Deno.test("github provider: a token's user, scopes and budgets; a revoked token is a clear failure", () =>
  withFake({}, async (github) => {
    const settings = { organization: RECORDED_ORG };
    const ok = await githubProvider.testConnection!({
      addressGuard: OPEN_ADDRESSES, // the fake listens on loopback
      baseUrl: `${github.url}/api/v3`,
      settings,
      credentials: { kind: "bearer", token: github.token },
    });
    assert(ok.ok, ok.error);
    assertEquals(ok.user, { login: "sluice-bot", id: 4242, name: "Sluice Bot" });
    assertEquals(ok.details?.scopes, ["read:org", "repo"]);
    const rate = ok.details?.rateLimit as Record<string, { limit: number; remaining: number }>;
    assertEquals([rate.core.limit, rate.graphql.limit], [5000, 5000]);
    assert(rate.core.remaining <= 5000);
    const bad = await githubProvider.testConnection!({
      addressGuard: OPEN_ADDRESSES, // the fake listens on loopback
      baseUrl: `${github.url}/api/v3`,
      settings,
      credentials: { kind: "bearer", token: "ghp_wrong_token_value" },
    });
    assertEquals(bad.ok, false);
    assert(/401/.test(bad.error!) && !bad.error!.includes("ghp_wrong_token_value"), bad.error);
  }));

Deno.test("github provider: an Enterprise Server without rate limiting reports an unlimited budget", () =>
  withFake({ enterprise: true }, async (github) => {
    const ok = await githubProvider.testConnection!({
      addressGuard: OPEN_ADDRESSES, // the fake listens on loopback
      baseUrl: github.url, // a bare Enterprise Server host: REST /api/v3, GraphQL /api/graphql
      settings: { organization: RECORDED_ORG },
      credentials: { kind: "bearer", token: github.token },
    });
    assert(ok.ok, ok.error);
    assertEquals(ok.details?.rateLimit, { unlimited: true });
    assertEquals(ok.details?.graphqlUrl, `${github.url}/api/graphql`);
  }));

Deno.test("github provider: a GitHub App names its installation and permissions", () =>
  withFake({ app: APP }, async (github) => {
    const ok = await githubProvider.testConnection!({
      addressGuard: OPEN_ADDRESSES, // the fake listens on loopback
      baseUrl: `${github.url}/api/v3`,
      settings: { organization: RECORDED_ORG },
      credentials: appCredentials,
    });
    assert(ok.ok, ok.error);
    assertEquals(ok.user, { app: "sluice-test", installationId: 99, account: RECORDED_ORG });
    assertEquals(ok.permissions?.["pull_requests:read"], true);
    assert(github.requests.some((r) => r.auth === "app_jwt" && r.path.includes("/orgs/")), "installation looked up");
  }));

Deno.test(`github app[${kind}]: runs share one cached installation token, minted again once after a 401`, () =>
  withGitHub(kind, {
    fake: { app: APP, recorded: false, synthetic: { repos: 2, prsPerRepo: 60 } },
    settings: { organization: "acme", lookbackDays: 30 },
  }, async ({ github, db, sync }) => {
    const first = await sync({ credentials: appCredentials, steps: ["github_repositories"] });
    assert(!first.stopped, String(first.error));
    assertEquals(github.installationTokens, 1);
    github.inject({ kind: "expired_token", path: "/api/graphql" });
    const second = await sync({ credentials: appCredentials, steps: ["github_prs_commits_reviews_comments"] });
    assert(!second.stopped, String(second.error));
    assertEquals(github.installationTokens, 2, "the second run reused the token; the refused one was minted again");
    assertEquals(second.client?.app?.minted, 1, "the second run's client minted only after the 401");
    assert(github.graphqlRequests().length >= 4, "one token served every query of the run");
    assertEquals(await count(db, "prs"), 120);
    assert(github.requests.filter((r) => r.kind === "graphql").every((r) => r.auth === "installation"));
  }));

Deno.test(`github app[${kind}]: a run's chunks reuse the installation token until five minutes before it expires`, async () => {
  // one clock for the fake and the client: the token's hour passes without waiting for it
  const clock = new VirtualClock(Date.now());
  const http = { ...FAST_HTTP, clock };
  await withGitHub(kind, {
    fake: { app: APP, clock, recorded: false, synthetic: { repos: 3, prsPerRepo: 60 } },
    settings: { organization: "acme", lookbackDays: 30 },
  }, async ({ github, db, sync }) => {
    const windowTo = new Date();
    const PRS = "github_prs_commits_reviews_comments";
    const repos = await sync({
      credentials: appCredentials,
      windowTo,
      steps: ["github_repositories"],
      github: { http },
    });
    assert(!repos.stopped, String(repos.error));
    // each chunk is a new client, as the engine builds one per extract call
    const chunk1 = await sync({
      credentials: appCredentials,
      windowTo,
      steps: [PRS],
      stopAfter: { step: PRS, pages: 1 },
      github: { http },
    });
    assert(chunk1.stopped);
    assertEquals([github.installationTokens, chunk1.client?.app?.minted], [1, 0], "the repositories' token served");
    clock.advance(50 * 60_000); // ten minutes left: still good
    const chunk2 = await sync({
      credentials: appCredentials,
      windowTo,
      steps: [PRS],
      resume: chunk1,
      stopAfter: { step: PRS, pages: 1 },
      github: { http },
    });
    assertEquals([github.installationTokens, chunk2.client?.app?.minted], [1, 0]);
    clock.advance(6 * 60_000); // four minutes left: minted again before GitHub would refuse it
    const chunk3 = await sync({
      credentials: appCredentials,
      windowTo,
      steps: [PRS],
      resume: chunk2,
      github: { http },
    });
    assert(!chunk3.stopped, String(chunk3.error));
    assertEquals([github.installationTokens, chunk3.client?.app?.minted], [2, 1]);
    assertEquals(
      github.requests.filter((r) => r.auth === "invalid").length,
      0,
      "no request went out with a stale token",
    );
    assertEquals(await count(db, "prs"), 180);
  });
});

Deno.test("github settings: bad values are refused with the field and the reason", () => {
  const settings = validateWith(githubSettingsSchema, {
    organization: "acme, not an org!",
    repositoryFilter: ["api-*", "bad/name"],
    maxQueryPoints: 0,
  }, "settings");
  assert(!settings.ok);
  assertEquals(settings.fields.map((f) => f.field).sort(), [
    "settings.maxQueryPoints",
    "settings.organization",
    "settings.repositoryFilter.1",
  ]);
  assert(settings.fields.find((f) => f.field === "settings.organization")!.message.includes("organization"));
  const creds = validateWith(githubCredentialsSchema, { kind: "github_app", appId: 12, privateKey: "nope" }, "c");
  assert(!creds.ok);
  assertEquals(creds.fields, [{ field: "c.privateKey", message: "not a PEM private key" }]);
  const good = validateWith(githubSettingsSchema, { organization: "acme, acme-labs" }, "settings");
  assert(good.ok);
  assertEquals(good.value.lookbackDays, 730);
  assertEquals(good.value.includeArchived, false);
});
