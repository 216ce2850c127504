// Property-based fuzzing of EVERY declared route (declaredRoutes(): routes added later are fuzzed too) with
// generated bad input (tests/fuzz/bad_input.ts), as an admin and, for writes, as a viewer. Properties: no answer
// is a 5xx (a contract violation would be one too), no request hangs, and nothing is written unless the answer is
// a 2xx. Writes are detected cheaply by a watermark per table (row count and newest row version, xmin: any insert,
// update or delete moves it), then confirmed on content: a digest of every table (login_throttle aside — a sign-in
// attempt is recorded by design before the password is checked). Replay a failure with FUZZ_SEED=<seed>.
import fc from "fast-check";
import { assert } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp, type TestApp } from "./support/app.ts";
import { declaredRoutes, type RouteDoc } from "../server/api/route.ts";
import { openDbQueue } from "../engine/queue/db_queue.ts";
import type { Queue } from "../engine/queue/port.ts";
import { ProgressHub } from "../server/live/hub.ts";
import { type BadRequest, badRequests, fixedBadRequests } from "./fuzz/bad_input.ts";
import { addVectorServices, type TestVectors } from "./vectors/support.ts";
import { DatabaseVectorStore } from "../engine/vectors/db_store.ts";
import { HashingEmbedder } from "../engine/vectors/lexical_embedder.ts";

const kind = primaryKind();
const SEED = Number(Deno.env.get("FUZZ_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const RUNS_AS_ADMIN = Number(Deno.env.get("FUZZ_RUNS") ?? 12);
const RUNS_AS_VIEWER = Math.max(2, Math.round(RUNS_AS_ADMIN / 3));
const REQUEST_TIMEOUT_MS = 15_000;
const UNWATCHED = new Set(["login_throttle"]);

async function watchedTables(app: TestApp): Promise<string[]> {
  return (await app.db.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  )).map((t) => t.name).filter((t) => !UNWATCHED.has(t));
}

/** One value per table from `expression` over its rows `x`, in one query. */
async function perTable(app: TestApp, tables: string[], expression: string): Promise<Record<string, string>> {
  const columns = tables.map((t, i) => `(SELECT (${expression})::text FROM "${t}" x) AS c${i}`);
  const [row] = await app.db.query<Record<string, string>>(`SELECT ${columns.join(", ")}`);
  return Object.fromEntries(tables.map((t, i) => [t, row[`c${i}`]]));
}

/** Cheap: moves on any insert, update or delete (row count, newest row version). */
const watermark = (app: TestApp, tables: string[]) =>
  perTable(app, tables, "count(*) || '/' || coalesce(max(x.xmin::text::bigint), 0)");

/** Exact: the content of every row. */
const contentDigest = (app: TestApp, tables: string[]) =>
  perTable(app, tables, "md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), ''))");

function changedTables(a: Record<string, string>, b: Record<string, string>) {
  return Object.keys({ ...a, ...b }).filter((t) => a[t] !== b[t]);
}

interface Tally {
  requests: number;
  byStatus: Map<number, number>;
  allowedWrites: number;
}

async function send(app: TestApp, token: string, req: BadRequest): Promise<number> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (req.contentType) headers["content-type"] = req.contentType;
  const res = await fetch(app.url + req.path, {
    method: req.method,
    headers,
    body: req.body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await res.body?.cancel();
  return res.status;
}

async function fuzzRoute(app: TestApp, route: RouteDoc, token: string, numRuns: number, tally: Tally) {
  const tables = await watchedTables(app);
  let mark = await watermark(app, tables);
  let content = await contentDigest(app, tables);
  const property = fc.asyncProperty(badRequests(route), async (req) => {
    const what = `${req.kind}: ${req.method} ${req.path.slice(0, 120)}`;
    let status: number;
    try {
      status = await send(app, token, req);
    } catch (e) {
      throw new Error(`${what} → no answer within ${REQUEST_TIMEOUT_MS} ms (${(e as Error).message})`);
    }
    tally.requests++;
    tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
    assert(status < 500, `${what} → ${status}`);
    const now = await watermark(app, tables);
    if (changedTables(mark, now).length === 0) return;
    mark = now;
    const after = await contentDigest(app, tables);
    const changed = changedTables(content, after);
    content = after;
    if (status >= 200 && status < 300) {
      if (changed.length) tally.allowedWrites++;
      return;
    }
    assert(changed.length === 0, `${what} → ${status}, yet ${changed.join(", ")} changed`);
  });
  try {
    const examples = fixedBadRequests(route).map((req): [BadRequest] => [req]);
    await fc.assert(property, { numRuns, seed: SEED, endOnFailure: true, examples });
  } catch (e) {
    throw new Error(
      `${route.method.toUpperCase()} ${route.path} (replay with FUZZ_SEED=${SEED}):\n${(e as Error).message}`,
    );
  }
}

Deno.test(`fuzz[${kind}]: no declared route answers bad input with a 5xx, hangs, or writes`, async () => {
  let queue: Queue | undefined;
  let vectors: TestVectors | undefined;
  const hub = new ProgressHub({ maxFps: 4 });
  const app = await startTestApp(kind, {
    extend: async (deps) => {
      queue = await openDbQueue(deps.db, { prefix: `fuzz${SEED}` });
      deps.services = { ...deps.services, queue, hub };
      // the vectors routes answer from a real store (created up front: its tables exist before watching starts)
      const vectorStore = new DatabaseVectorStore(deps.db);
      await vectorStore.ready();
      vectors = await addVectorServices(deps, new HashingEmbedder(64), vectorStore);
    },
  });
  try {
    const tenant = await app.tenant("Fuzz");
    await app.tenant("Other");
    const admin = await app.login((await app.user(tenant, "admin")).email);
    const viewer = await app.login((await app.user(tenant, "viewer")).email);
    const routes = declaredRoutes().filter((r) => !r.path.startsWith("/app/etl/things"));
    assert(routes.length >= 30, `every route is fuzzed (${routes.length})`);
    const tally: Tally = { requests: 0, byStatus: new Map(), allowedWrites: 0 };
    const started = performance.now();
    for (const route of routes) {
      await fuzzRoute(app, route, admin, RUNS_AS_ADMIN, tally);
      if (route.method !== "get") await fuzzRoute(app, route, viewer, RUNS_AS_VIEWER, tally);
    }
    const statuses = Object.fromEntries([...tally.byStatus].sort(([a], [b]) => a - b));
    console.log(
      `fuzz seed ${SEED}: ${tally.requests} requests over ${routes.length} routes in ` +
        `${Math.round((performance.now() - started) / 1000)} s; statuses ${JSON.stringify(statuses)}; ` +
        `${tally.allowedWrites} writes after a 2xx`,
    );
    for (const status of [400, 403, 404, 413, 415]) {
      assert(tally.byStatus.has(status), `the generators reach ${status} (${JSON.stringify(statuses)})`);
    }
  } finally {
    await vectors?.stop();
    await queue?.close();
    hub.close();
    await app.close();
  }
});
