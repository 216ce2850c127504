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
import { count, RECORDED_ORG, withGitHub } from "./support.ts";
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

Deno.test(`github app[${kind}]: syncs with one cached installation token, minted again after a 401`, () =>
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
    assertEquals(github.installationTokens, 3, "each run's client mints once; the refused token is minted again once");
    assert(github.graphqlRequests().length >= 4, "one token served every query of the run");
    assertEquals(await count(db, "prs"), 120);
    assert(github.requests.filter((r) => r.kind === "graphql").every((r) => r.auth === "installation"));
  }));

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
