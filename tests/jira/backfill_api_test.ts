// Newly mapped custom fields are back-filled (issue #12) over the real API and engine: after a sync without a
// story-point mapping, mapping it answers `effect: backfill` naming the field; the back-fill run asks Jira only for
// that field (one ids-only search page, one bulk fetch per 100 items, nothing else) and writes only that column —
// every other column of every loaded table keeps its content. A field that is not mapped is refused naming it.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp } from "../support/app.ts";
import { type EngineServices, startEngineServices } from "../../server/engine_services.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { SPRINT_FIELD, STORY_POINTS_FIELD, synthesizeIssues } from "../fakes/jira/mod.ts";
import { startFakeJira } from "../fakes/jira/mod.ts";
import { contentDigest, describeDifference } from "../support/content_hash.ts";
import { waitForRun } from "../engine/support/harness.ts";
import { FAST_HTTP } from "./support.ts";

const kind = primaryKind();
const SYNTH = { count: 230, seed: 5, longHistoryEvery: 0 };

Deno.test(`jira backfill api[${kind}]: a newly mapped field is fetched alone and written alone`, async () => {
  const jira = await startFakeJira({ recorded: false, synthetic: SYNTH });
  let services: EngineServices | undefined;
  const app = await startTestApp(kind, {
    env: { AMQP_URL: "" },
    extend: async (deps) => {
      services = await startEngineServices(deps, [createJiraConnector({ http: FAST_HTTP })], { orchestrator: false });
    },
  });
  try {
    const tenantId = await app.tenant("Acme");
    const admin = await app.login((await app.user(tenantId, "admin")).email);
    const [{ id }] = await app.db.query<{ id: number }>(
      "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
      [tenantId],
    );
    const put = await app.api(`/app/etl/integrations/${id}`, {
      method: "PUT",
      token: admin,
      body: {
        baseUrl: jira.url,
        credentials: jira.basicAuth,
        settings: { projectKeys: ["ALPHA", "BETA", "GAMMA"] },
        active: true,
      },
    });
    assertEquals(put.status, 200, await put.text());
    const fields = await app.db.query<{ id: number; external_id: string }>(
      `INSERT INTO custom_fields (tenant_id, integration_id, external_id, name) VALUES ($1, $2, $3, 'Sprint'),
         ($1, $2, $4, 'Story point estimate') RETURNING id, external_id`,
      [tenantId, id, SPRINT_FIELD, STORY_POINTS_FIELD],
    );
    const fieldId = (ext: string) => fields.find((f) => f.external_id === ext)!.id;
    const saveMapping = (mappings: Record<string, number>) =>
      app.api(`/app/etl/custom-fields/mappings?integrationId=${id}`, {
        method: "PUT",
        token: admin,
        body: { mappings },
      });
    const first = await saveMapping({ sprints: fieldId(SPRINT_FIELD) });
    assertEquals((await first.json()).effect, "backfill", "a first mapping was never requested either");

    const [{ id: jobId }] = await app.db.query<{ id: number }>(
      "UPDATE etl_jobs SET active = true WHERE integration_id = $1 RETURNING id",
      [id],
    );
    const run = await app.api(`/app/etl/jobs/${jobId}/run`, { token: admin, body: {} });
    assertEquals(run.status, 202);
    await waitForRun(app.db, (await run.json()).runId, "FINISHED", 90_000);
    const [{ n: before }] = await app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM work_items WHERE story_points IS NOT NULL",
    );
    assertEquals(before, 0, "story points were not mapped during the sync");

    const mapped = await saveMapping({ sprints: fieldId(SPRINT_FIELD), storyPoints: fieldId(STORY_POINTS_FIELD) });
    const answer = await mapped.json();
    assertEquals([answer.effect, answer.backfillFields], ["backfill", [STORY_POINTS_FIELD]]);
    const unchanged = await (await saveMapping(flat(answer.mappings))).json();
    assertEquals([unchanged.effect, unchanged.backfillFields], ["none", []]);

    const refused = await app.api(`/app/etl/integrations/${id}/custom-fields/backfill`, {
      token: admin,
      body: { fields: [STORY_POINTS_FIELD, "customfield_99999"] },
    });
    assertEquals(refused.status, 400);
    assertEquals((await refused.json()).error.fields.map((f: { field: string }) => f.field), ["fields.1"]);

    const digestBefore = await contentDigest(app.db, { skipColumns: ["work_items.story_points"] });
    const requestsBefore = jira.requests.length;
    const started = await app.api(`/app/etl/integrations/${id}/custom-fields/backfill`, {
      token: admin,
      body: { fields: answer.backfillFields },
    });
    assertEquals(started.status, 202);
    const { runId } = await started.json();
    const finished = await waitForRun(app.db, runId, "FINISHED", 90_000);
    const calls = jira.requests.slice(requestsBefore);
    const bulk = calls.filter((r) => r.path === "/rest/api/3/issue/bulkfetch");
    const searches = calls.filter((r) => r.path.endsWith("/search/jql"));
    console.log(
      `back-fill of 1 field over ${SYNTH.count} items: ${calls.length} requests ` +
        `(${searches.length} ids-only search, ${bulk.length} bulk fetch)`,
    );
    assertEquals(calls.length, searches.length + bulk.length, "nothing but the ids and the field is asked for");
    assertEquals(bulk.length, Math.ceil(SYNTH.count / 100));
    assertEquals(searches.length, 1);
    for (const b of bulk) assertEquals((b.body as { fields: string[] }).fields, [STORY_POINTS_FIELD]);
    for (const s of searches) assertEquals((s.body as { fields: string[] }).fields, ["id"]);
    assertEquals(finished.requests_made, calls.length);

    // every item now holds the source's points; nothing else changed
    const synth = synthesizeIssues(SYNTH.count, SYNTH.seed, SYNTH);
    const expected = new Map<string, number | null>();
    for (let i = 0; i < SYNTH.count; i++) {
      const { issue } = synth.build(i);
      const v = issue.fields[STORY_POINTS_FIELD];
      expected.set(String(issue.id), typeof v === "number" ? v : null);
    }
    const loaded = await app.db.query<{ external_id: string; story_points: number | null }>(
      "SELECT external_id, story_points FROM work_items",
    );
    assertEquals(loaded.length, SYNTH.count);
    for (const row of loaded) assertEquals(row.story_points, expected.get(row.external_id), row.external_id);
    assert([...expected.values()].filter((v) => v !== null).length > SYNTH.count / 2);
    const digestAfter = await contentDigest(app.db, { skipColumns: ["work_items.story_points"] });
    assertEquals(digestAfter.hash, digestBefore.hash, describeDifference(digestBefore, digestAfter));
    assertEquals(app.violations, []);
  } finally {
    await services?.stop();
    await app.close();
    await jira.close();
  }
});

/** slot → field id, from the mapping view. */
function flat(mappings: Record<string, { id: number } | null>): Record<string, number> {
  return Object.fromEntries(Object.entries(mappings).filter(([, f]) => f).map(([s, f]) => [s, f!.id]));
}
