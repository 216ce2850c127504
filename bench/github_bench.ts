// GitHub connector benchmark, one run against the fake GitHub (synthesized pull requests over real HTTP, in a
// child process) into PostgreSQL when DATABASE_URL is set (else embedded PGlite), at the default settings a user
// gets. Prints, measured in the same run:
//   (a) GraphQL requests per 1,000 PRs (target ≤ 25) and GraphQL points per 1,000 PRs (GitHub's own charge, from
//       rateLimit.cost), plus the REST requests of the repository listing;
//   (b) transform+load ÷ COPY: the time Db.copyFrom needs to write the very rows the loads wrote (repositories,
//       PRs, commits, reviews, comments, people) into scratch tables of the same shape, divided by the time from
//       receiving each page to its commit (raw row + load, as the engine commits a page), target ≥ 0.5;
//   (c) peak RSS of the process during the sync (sampled every 25 ms).
// The sync runs under the V8 flags production runs with (see bench/support.ts; GITHUB_BENCH_V8_FLAGS overrides).
// Usage: GITHUB_BENCH_PRS=10000 [GITHUB_BENCH_PROFILE=1] deno run -A bench/github_bench.ts
import type { Db, Queryable } from "../db/port.ts";
import { createTenant } from "../db/seed.ts";
import { createGitHubConnector } from "../engine/connectors/github/connector.ts";
import type { GitHubClient } from "../engine/connectors/github/client/client.ts";
import { setLogLevel } from "../lib/log.ts";
import { createTestDb, primaryKind } from "../tests/support/db.ts";
import { copyBaseline, readLine, rssSampler, statementProfiler, syncPages, underV8Flags } from "./support.ts";

const V8_FLAGS = await underV8Flags("GITHUB_BENCH_V8_FLAGS", import.meta.url);
setLogLevel("error");
const PRS = Number(Deno.env.get("GITHUB_BENCH_PRS") ?? 10_000);
const MB = 1024 * 1024;
/** GITHUB_BENCH_PROFILE=1: time per statement of the page commits (raw row and loads). */
const PROFILE = Deno.env.get("GITHUB_BENCH_PROFILE") === "1";
const profiler = statementProfiler();
const TABLES = ["repositories", "identities", "prs", "prs_commits", "prs_reviews", "prs_comments"];

const rss = rssSampler();
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL("./github_fake_server.ts", import.meta.url).pathname, String(PRS)],
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const fake = JSON.parse(await readLine(child.stdout)) as { url: string; token: string };
const startRss = Deno.memoryUsage().rss;
const requests = new Map<string, number>();
const testDb = await createTestDb(primaryKind());
const db = testDb.db;
try {
  const tenantId = await createTenant(db, "Bench");
  const [{ id: integrationId }] = await db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'github'",
    [tenantId],
  );
  await db.query("UPDATE integrations SET base_url = $2, settings = $3::jsonb WHERE id = $1", [
    integrationId,
    `${fake.url}/api/v3`,
    JSON.stringify({ organization: "acme" }),
  ]);
  const result = await sync(db, tenantId, integrationId);
  rss.stop();
  const [{ n: loaded }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM prs");
  if (loaded !== PRS) throw new Error(`expected ${PRS} PRs, loaded ${loaded}`);
  const copy = await copyBaseline(db, TABLES, true);
  const copyNoFk = await copyBaseline(db, TABLES, false);
  const graphql = requests.get("POST graphql") ?? 0;
  const rest = [...requests].filter(([k]) => k !== "POST graphql").reduce((n, [, v]) => n + v, 0);
  const line = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);
  console.log(`GitHub connector benchmark — ${PRS} synthesized PRs (30 commits, 5 reviews each), ${db.kind}`);
  line("(a) GraphQL requests per 1,000 PRs", `${(graphql / PRS * 1000).toFixed(2)} (target ≤ 25; ${graphql} requests)`);
  line("    GraphQL points per 1,000 PRs", `${(result.points / PRS * 1000).toFixed(1)} (${result.points} points)`);
  line("    REST requests (repository listing)", String(rest));
  line("(b) transform+load PRs/s (page received → commit)", (PRS / result.loadSeconds).toFixed(0));
  line(
    "    COPY of the same rows, PRs/s",
    `${(PRS / copy.seconds).toFixed(0)} (${copy.rows} rows in ${copy.seconds.toFixed(2)} s)`,
  );
  line("    transform+load ÷ COPY", `${(copy.seconds / result.loadSeconds).toFixed(3)} (target ≥ 0.5)`);
  line("    transform+load ÷ COPY without foreign keys", (copyNoFk.seconds / result.loadSeconds).toFixed(3));
  line("(c) peak RSS during the sync", `${(rss.peak / MB).toFixed(0)} MB (${(startRss / MB).toFixed(0)} MB before it)`);
  line("    V8 flags (those of `deno task start`)", V8_FLAGS || "none (V8 defaults)");
  line("    sync wall time (extract + load + raw rows)", `${result.wallSeconds.toFixed(1)} s`);
  if (PROFILE) {
    console.log(`COPY by table (with foreign keys): ${copy.perTable}`);
    const outside = result.loadSeconds - profiler.seconds;
    console.log(`page commits: ${profiler.seconds.toFixed(2)} s in statements, ${outside.toFixed(2)} s outside`);
    console.log("statements of the page commits (run one at a time): calls, total s, SQL");
    for (const l of profiler.lines()) console.log(l);
  }
} finally {
  rss.stop();
  await testDb.close();
  await child.stdin.close();
  await child.stdout.cancel();
  await child.status;
}

/** The engine's per-page commit (raw row + load in one transaction), timed from receiving the page to the commit. */
async function sync(db: Db, tenantId: number, integrationId: number) {
  let client: GitHubClient | undefined;
  let points = 0;
  const connector = createGitHubConnector({
    http: { pacer: false, onRequest: (e) => requests.set(e.endpoint, (requests.get(e.endpoint) ?? 0) + 1) },
    onClient: (c) => {
      if (client) points += client.points;
      client = c;
    },
  });
  const credentials = { kind: "bearer", token: fake.token };
  const wrap = PROFILE ? (tx: Queryable) => profiler.wrap(tx) : undefined;
  const result = await syncPages({ db, connector, tenantId, integrationId, credentials, wrap });
  points += client?.points ?? 0;
  const loadMs = [...result.msByKind.values()].reduce((a, b) => a + b, 0);
  return { loadSeconds: loadMs / 1000, wallSeconds: result.wallSeconds, points };
}
