// Sprint reports Jira answers 404 for (a deleted board or sprint, a board that is not a scrum board) do not stop the
// sprints step, and the job details name their boards: over the real API and engine, with every sprint report of
// the recorded merico boards answering 404, the details list each board with the number of its sprints asked for.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp } from "../support/app.ts";
import { type EngineServices, startEngineServices } from "../../server/engine_services.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { startFakeJira } from "../fakes/jira/mod.ts";
import { waitForRun } from "../engine/support/harness.ts";
import { FAST_HTTP, mapCustomFields } from "./support.ts";

const kind = primaryKind();

Deno.test(`jira details api[${kind}]: boards whose sprint reports answered 404 are listed`, async () => {
  const jira = await startFakeJira();
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
    const viewer = await app.login((await app.user(tenantId, "viewer")).email);
    const [{ id }] = await app.db.query<{ id: number }>(
      "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
      [tenantId],
    );
    const put = await app.api(`/app/etl/integrations/${id}`, {
      method: "PUT",
      token: admin,
      body: { baseUrl: jira.url, credentials: jira.basicAuth, settings: { projectKeys: ["EE", "K5"] }, active: true },
    });
    assertEquals(put.status, 200, await put.text());
    await mapCustomFields(app.db, tenantId, id, { sprints: "customfield_10020" });
    jira.inject({ kind: "status", status: 404, path: /sprintreport$/, times: Infinity });
    const [{ id: jobId }] = await app.db.query<{ id: number }>(
      "UPDATE etl_jobs SET active = true WHERE integration_id = $1 RETURNING id",
      [id],
    );
    const run = await app.api(`/app/etl/jobs/${jobId}/run`, { token: admin, body: {} });
    assertEquals(run.status, 202);
    await waitForRun(app.db, (await run.json()).runId, "FINISHED", 90_000);

    // what the fake was asked and refused, per board
    const asked = new Map<string, Set<string>>();
    for (const r of jira.requests.filter((r) => r.path.endsWith("/sprintreport"))) {
      assertEquals(r.status, 404);
      const board = String(r.query.rapidViewId);
      asked.set(board, (asked.get(board) ?? new Set()).add(String(r.query.sprintId)));
    }
    assert(asked.size > 0, "the run asked for sprint reports");
    const details = await app.api(`/app/etl/jobs/${jobId}/details`, { token: viewer });
    assertEquals(details.status, 200);
    const body = await details.json();
    assertEquals(
      body.missingSprintReports,
      [...asked].map(([boardId, sprints]) => ({ boardId, sprints: sprints.size }))
        .sort((a, b) => Number(a.boardId) - Number(b.boardId)),
    );
  } finally {
    await services?.stop();
    await app.close();
    await jira.close();
  }
});
