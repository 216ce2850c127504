// Jira connector benchmark against the fake Jira (synthesized issues, real HTTP) into PostgreSQL when DATABASE_URL
// is set (else embedded PGlite), at 10,000 and then 100,000 issues (each size in a process of its own). Prints,
// measured in the same run:
//   (a) API requests per 1,000 issues for issue extraction (search pages, the census's id-only sweep of the scope,
//       changelog bulkfetch), target ≤ 12,
//       plus the whole job's requests (development panels and sprint reports are per issue / per sprint);
//   (b) transform+load speed ÷ COPY speed: the time Db.copyFrom needs to write the very rows the loads wrote
//       (work items, their changelogs and sprint memberships) into scratch tables of the same shape, divided by
//       the time from receiving each issue page to its commit (raw row, load, commit) plus the step's after-step
//       recompute of history-derived values, target ≥ 0.8 (issue #12);
//   (c) peak RSS of the process during the sync (Deno.memoryUsage().rss sampled every 25 ms) and its ratio to the
//       target of 250 MB;
//   (d) an incremental re-sync after 1 % of the issues changed: the whole job's requests per 1,000 issues, target ≤ 2
//       (census included; sprint reports only of active sprints: closed ones were read by the full sync).
// Each sync is a real etl_runs row (bench/support.ts), so the steps that read their run's raw pages run as they do
// under the engine.
// The fake Jira runs in a child process (bench/jira_fake_server.ts) so (c) is the connector process alone.
// The sync runs under V8's default flags: the RSS target holds without the capped young generation production
// starts with (`deno task start`); JIRA_BENCH_V8_FLAGS sets others (e.g. `--max-semi-space-size=8`).
// Settings used: the defaults a user gets (no page size is overridden).
// Usage: [JIRA_BENCH_ISSUES=10000,100000] [JIRA_BENCH_VERBOSE=1] [JIRA_BENCH_PROFILE=1] [JIRA_BENCH_V8_FLAGS=…] \
//          deno run -A bench/jira_bench.ts
import v8 from "node:v8";
import type { Db } from "../db/port.ts";
import { createTenant } from "../db/seed.ts";
import { createJiraConnector } from "../engine/connectors/jira/connector.ts";
import { setLogLevel } from "../lib/log.ts";
import { createTestDb, primaryKind } from "../tests/support/db.ts";
import { DEVELOPMENT_FIELD, SPRINT_FIELD, STORY_POINTS_FIELD } from "../tests/fakes/jira/mod.ts";
import { mapCustomFields } from "../tests/jira/support.ts";
import {
  benchSize,
  copyBaseline as copyRows,
  readLine,
  statementProfiler,
  syncPages,
  underV8Flags,
} from "./support.ts";
import { rssBreakdownLine } from "./rss_breakdown.ts";

const ISSUES = await benchSize("JIRA_BENCH_ISSUES", import.meta.url, "10000,100000");
const V8_FLAGS = await underV8Flags("JIRA_BENCH_V8_FLAGS", import.meta.url, "");

setLogLevel("error");
const MB = 1024 * 1024;
const RSS_TARGET = 250 * MB;
/**
 * JIRA_BENCH_VERBOSE=1: memory every 10 pages — RSS, V8's heap (used/total, external, committed MB per space) and,
 * after "|", RSS split by mapping (rss_breakdown.ts): at 100,000 issues a third of the peak is outside V8's heap.
 */
const VERBOSE = Deno.env.get("JIRA_BENCH_VERBOSE") === "1";
/**
 * JIRA_BENCH_PROFILE=1: time per statement of the issue loads and their after-step (wall time from send to result,
 * by SQL text), and the ratio against a COPY into tables without foreign keys.
 */
const PROFILE = Deno.env.get("JIRA_BENCH_PROFILE") === "1";
const profiler = statementProfiler();

let peakRss = 0;
/** Peak RSS by step, its after-step included (the step whose page came last), for the verbose trace. */
const peakByStep = new Map<string, number>();
let currentStep = "setup";
const sampler = setInterval(() => {
  const rss = Deno.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  peakByStep.set(currentStep, Math.max(peakByStep.get(currentStep) ?? 0, rss));
}, 25);

// the fake runs in a child process: its memory (cached synthesized issues, request log) is not the connector's
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL("./jira_fake_server.ts", import.meta.url).pathname, String(ISSUES)],
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const firstLine = await readLine(child.stdout);
const startRss = Deno.memoryUsage().rss;
const jira = JSON.parse(firstLine) as { url: string; email: string; token: string };
const credentials = { kind: "basic", email: jira.email, token: jira.token };
/** Requests the connector sent, by endpoint label (retries included). */
const requests = new Map<string, number>();
const count = (pattern: RegExp) => [...requests].filter(([k]) => pattern.test(k)).reduce((n, [, v]) => n + v, 0);
const testDb = await createTestDb(primaryKind());
const db = testDb.db;
try {
  const tenantId = await createTenant(db, "Bench");
  const [{ id: integrationId }] = await db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
    [tenantId],
  );
  await db.query("UPDATE integrations SET base_url = $2, settings = $3::jsonb WHERE id = $1", [
    integrationId,
    jira.url,
    JSON.stringify({ projectKeys: ["ALPHA", "BETA", "GAMMA"] }),
  ]);
  await mapCustomFields(db, tenantId, integrationId, {
    sprints: SPRINT_FIELD,
    storyPoints: STORY_POINTS_FIELD,
    development: DEVELOPMENT_FIELD,
  });
  const windowTo = new Date();
  const result = await sync(db, tenantId, integrationId, { windowTo });
  clearInterval(sampler);

  const issueRequests = count(/search\/jql|changelog\/bulkfetch/);
  const total = count(/./);
  const copy = await copyBaseline(db, true);
  // a second full copy of every row: at 100,000 issues minutes of bench time for a figure only profiling needs
  const copyNoFk = PROFILE ? await copyBaseline(db, false) : null;
  const ratio = copy.seconds / result.issueLoadSeconds;
  const line = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);
  console.log(`Jira connector benchmark — ${ISSUES} synthesized issues, ${db.kind}`);
  line("(a) issue extraction requests per 1,000 issues", `${(issueRequests / ISSUES * 1000).toFixed(2)} (target ≤ 12)`);
  line("    search pages / changelog bulkfetch calls", `${count(/search\/jql/)} / ${count(/bulkfetch/)}`);
  line("    whole job: requests per 1,000 issues", `${(total / ISSUES * 1000).toFixed(2)} (${total} requests)`);
  line(
    "    dev-status panels / sprint listings + reports",
    `${count(/dev-status/)} / ${count(/board\/sprint|sprintreport/)}`,
  );
  line("(b) transform+load issues/s", (ISSUES / result.issueLoadSeconds).toFixed(0));
  line(
    "    COPY of the same rows, issues/s",
    `${(ISSUES / copy.seconds).toFixed(0)} (${copy.rows} rows in ${copy.seconds.toFixed(2)} s)`,
  );
  line("    transform+load ÷ COPY", `${ratio.toFixed(3)} (target ≥ 0.8)`);
  if (copyNoFk) {
    line("    transform+load ÷ COPY without foreign keys", (copyNoFk.seconds / result.issueLoadSeconds).toFixed(3));
  }
  line(
    "(c) peak RSS during the sync",
    `${(peakRss / MB).toFixed(0)} MB (target ≤ 250 MB; ${(startRss / MB).toFixed(0)} MB before it)`,
  );
  line("    peak RSS ÷ target", `${(peakRss / RSS_TARGET).toFixed(3)} (target ≤ 1)`);
  line("    V8 flags", V8_FLAGS || "none (V8 defaults)");
  line("    sync wall time (extract + load + raw rows)", `${result.wallSeconds.toFixed(1)} s`);
  // (d) incremental re-sync after 1 % of the issues changed: every request of the whole job counts
  const changed = Math.max(1, Math.round(ISSUES / 100));
  await touchIssues(changed);
  requests.clear();
  // the window ends past the edits (JQL floors it to the minute; the engine's next run would pick them up anyway)
  const again = await sync(db, tenantId, integrationId, {
    windowFrom: windowTo,
    windowTo: new Date(Date.now() + 120_000),
  });
  const resync = count(/./);
  line(
    "(d) 1 %-changed re-sync: requests per 1,000 issues",
    `${
      (resync / ISSUES * 1000).toFixed(2)
    } (target ≤ 2; ${resync} requests, ${changed} issues changed, ${again.issues} read, ${
      again.wallSeconds.toFixed(1)
    } s)`,
  );
  line("    by endpoint", [...requests].map(([k, v]) => `${k} ${v}`).join(", "));
  if (PROFILE) {
    console.log(`COPY by table (with foreign keys): ${copy.perTable}`);
    const inStatements = profiler.seconds;
    console.log(
      `issue pages (raw row + load): ${inStatements.toFixed(2)} s in statements, ${
        (result.issueLoadSeconds - inStatements).toFixed(2)
      } s outside`,
    );
    console.log("statements of the issue pages (run one at a time): calls, total s, SQL");
    for (const line of profiler.lines()) console.log(line);
  }
} finally {
  clearInterval(sampler);
  await testDb.close();
  await child.stdin.close();
  await child.stdout.cancel();
  await child.status;
}

/** Has the fake (child process) edit `n` issues, and waits for its answer. */
async function touchIssues(n: number) {
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`touch ${n}\n`));
  writer.releaseLock();
  const answer = await readLine(child.stdout);
  if (!answer.startsWith("touched")) throw new Error(`fake Jira answered ${answer}`);
}

/** Committed MB per V8 heap space (young generation vs what survives), for the verbose trace. */
function heapSpaces(): string {
  return v8.getHeapSpaceStatistics().filter((s) => s.space_size >= MB)
    .map((s) => `${s.space_name.replace("_space", "")} ${(s.space_size / MB).toFixed(0)}`).join(" ");
}

/** The engine's per-page commit (raw row + load in one transaction), timing the load of issue pages separately. */
async function sync(
  db: Db,
  tenantId: number,
  integrationId: number,
  window: { windowFrom?: Date | null; windowTo: Date },
) {
  const connector = createJiraConnector({
    http: { pacer: false, onRequest: (e) => requests.set(e.endpoint, (requests.get(e.endpoint) ?? 0) + 1) },
  });
  const started = performance.now();
  const result = await syncPages({
    db,
    connector,
    tenantId,
    integrationId,
    credentials,
    ...window,
    wrap: (tx, _page, kind) => (PROFILE && kind === "jira_issues" ? profiler.wrap(tx) : tx),
    onPage: (step, n) => {
      currentStep = step;
      if (!VERBOSE || n % 10 !== 0) return;
      const m = Deno.memoryUsage();
      console.error(
        `${step} page ${n} ${((performance.now() - started) / 1000).toFixed(1)} s rss ${(m.rss / MB).toFixed(0)} heap ${
          (m.heapUsed / MB).toFixed(0)
        }/${(m.heapTotal / MB).toFixed(0)} ext ${(m.external / MB).toFixed(0)} ${heapSpaces()} | ${rssBreakdownLine()}`,
      );
    },
  });
  if (VERBOSE) {
    const peaks = [...peakByStep].map(([step, rss]) => `${step} ${(rss / MB).toFixed(0)}`).join(", ");
    console.error(`sync done; peak RSS MB by step (with its after-step): ${peaks}`);
  }
  // from receiving each page to its commit (raw row, load, commit) plus the step's after-step recompute
  return {
    issueLoadSeconds: (result.msByKind.get("jira_issues") ?? 0) / 1000,
    wallSeconds: result.wallSeconds,
    issues: result.recordsByKind.get("jira_issues") ?? 0,
  };
}

/** COPY of the rows the issue loads wrote (work items, changelogs, sprint memberships), see bench/support.ts. */
function copyBaseline(db: Db, withForeignKeys: boolean) {
  return copyRows(db, ["work_items", "changelogs", "work_items_sprints"], withForeignKeys);
}
