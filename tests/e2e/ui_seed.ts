// Data for the browser tests of the UI: a tenant with the seeded jobs, one user per role, and job states the engine
// would leave behind — GitHub mid-run with stage counters and a run history, Jira failed with retries — plus a few
// loaded GitHub rows so the details modal has real figures to show. Written straight to the database because the
// engine is not part of these tests.
import type { Db } from "../../db/port.ts";
import type { TestApp } from "../support/app.ts";
import { encryptSecret } from "../../server/secrets.ts";

export interface UiSeed {
  tenantId: number;
  admin: string;
  user: string;
  viewer: string;
  jobs: Record<"Jira" | "GitHub" | "Fabric" | "AD", { id: number; integrationId: number }>;
  githubRuns: number;
}

const MIN = 60_000;

async function addRun(
  db: Db,
  r: {
    tenantId: number;
    jobId: number;
    status: string;
    startedAt: Date;
    durationMs: number | null;
    requests: number;
    rows: number;
    stages: Array<[step: string, stage: string, expected: number, done: number, records: number]>;
    error?: string;
  },
): Promise<number> {
  const [{ id }] = await db.query<{ id: number }>(
    `INSERT INTO etl_runs (tenant_id, job_id, token, trigger, status, started_at, finished_at, requests_made,
                           rows_written, error, extraction_finished)
     VALUES ($1, $2, gen_random_uuid(), 'schedule', $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      r.tenantId,
      r.jobId,
      r.status,
      r.startedAt,
      r.durationMs === null ? null : new Date(r.startedAt.getTime() + r.durationMs),
      r.requests,
      r.rows,
      r.error ?? null,
      r.status !== "RUNNING",
    ],
  );
  for (const [step, stage, expected, done, records] of r.stages) {
    await db.query(
      `INSERT INTO etl_run_stages (run_id, tenant_id, step, stage, expected, done, records) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [id, r.tenantId, step, stage, expected, done, records],
    );
  }
  return id;
}

async function seedGithubRows(db: Db, tenantId: number, integrationId: number) {
  const repoIds: number[] = [];
  for (const name of ["api", "web", "infra"]) {
    const [{ id }] = await db.query<{ id: number }>(
      `INSERT INTO repositories (tenant_id, integration_id, external_id, name, full_name)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [tenantId, integrationId, `R_${name}`, name, `acme/${name}`],
    );
    repoIds.push(id);
  }
  for (let n = 1; n <= 5; n++) {
    const [{ id: prId }] = await db.query<{ id: number }>(
      `INSERT INTO prs (tenant_id, integration_id, external_id, repository_id, number, title, state)
       VALUES ($1, $2, $3, $4, $5, $6, 'MERGED') RETURNING id`,
      [tenantId, integrationId, `PR_${n}`, repoIds[n % 3], n, `Change ${n}`],
    );
    for (let c = 0; c < 3; c++) {
      await db.query(
        `INSERT INTO prs_commits (tenant_id, integration_id, pr_id, external_id) VALUES ($1, $2, $3, $4)`,
        [tenantId, integrationId, prId, `sha${n}${c}`],
      );
    }
    await db.query(
      `INSERT INTO prs_reviews (tenant_id, integration_id, pr_id, external_id, state) VALUES ($1,$2,$3,$4,'APPROVED')`,
      [tenantId, integrationId, prId, `REV_${n}`],
    );
  }
  await db.query(
    `INSERT INTO source_rate_limits (tenant_id, integration_id, resource, limit_total, remaining, reset_at, last_cost)
     VALUES ($1, $2, 'graphql', 5000, 4871, now() + interval '40 minutes', 9)`,
    [tenantId, integrationId],
  );
}

export async function seedUi(app: TestApp): Promise<UiSeed> {
  const db = app.db;
  const tenantId = await app.tenant("Acme");
  const admin = (await app.user(tenantId, "admin", "jane.doe@acme.test")).email;
  const user = (await app.user(tenantId, "user", "sam.user@acme.test")).email;
  const viewer = (await app.user(tenantId, "viewer", "vic.viewer@acme.test")).email;
  const rows = await db.query<{ id: number; name: string; integration_id: number }>(
    "SELECT id, name, integration_id FROM etl_jobs WHERE tenant_id = $1",
    [tenantId],
  );
  const jobs = Object.fromEntries(
    rows.map((r) => [r.name, { id: r.id, integrationId: r.integration_id }]),
  ) as UiSeed["jobs"];
  const now = Date.now();

  // GitHub: integration on, rows loaded, four finished runs, and a run in progress
  const gh = jobs.GitHub;
  await db.query("UPDATE integrations SET active = true WHERE id = $1", [gh.integrationId]);
  await seedGithubRows(db, tenantId, gh.integrationId);
  const repos = "github_repositories";
  const prs = "github_prs_commits_reviews_comments";
  const history = [
    { ago: 300, ms: 95_000, rows: 420, status: "FINISHED" },
    { ago: 240, ms: 140_000, rows: 610, status: "FINISHED" },
    { ago: 180, ms: 40_000, rows: 0, status: "FAILED" },
    { ago: 120, ms: 120_000, rows: 530, status: "FINISHED" },
  ];
  for (const h of history) {
    await addRun(db, {
      tenantId,
      jobId: gh.id,
      status: h.status,
      startedAt: new Date(now - h.ago * MIN),
      durationMs: h.ms,
      requests: Math.round(h.rows / 10) + 12,
      rows: h.rows,
      stages: [[repos, "transform", 1, 1, 3], [prs, "transform", 6, 6, h.rows]],
      error: h.status === "FAILED" ? "GitHub answered 502 Bad Gateway" : undefined,
    });
  }
  const running = await addRun(db, {
    tenantId,
    jobId: gh.id,
    status: "RUNNING",
    startedAt: new Date(now - 3 * MIN),
    durationMs: null,
    requests: 31,
    rows: 260,
    stages: [
      [repos, "extract", 1, 1, 3],
      [repos, "transform", 1, 1, 3],
      [repos, "embed", 1, 1, 3],
      [prs, "extract", 8, 5, 250],
      [prs, "transform", 5, 3, 150],
      [prs, "embed", 3, 1, 50],
    ],
  });
  await db.query(
    `UPDATE etl_jobs SET status = 'RUNNING', current_run_id = $2, last_run_started_at = $3,
            last_run_finished_at = $4, last_success_at = $4, next_run_at = NULL,
            step_states = $5::jsonb
      WHERE id = $1`,
    [
      gh.id,
      running,
      new Date(now - 3 * MIN),
      new Date(now - 118 * MIN),
      {
        [repos]: { extract: "finished", transform: "finished", embed: "finished" },
        [prs]: { extract: "running", transform: "running", embed: "running" },
      },
    ],
  );

  // Jira: last run failed, two retries so far; its integration stays inactive (the "activate both" case)
  const failedAt = new Date(now - 25 * MIN);
  await addRun(db, {
    tenantId,
    jobId: jobs.Jira.id,
    status: "FAILED",
    startedAt: failedAt,
    durationMs: 12_000,
    requests: 3,
    rows: 0,
    stages: [],
    error: "Jira answered 401 Unauthorized: the API token was rejected",
  });
  await db.query(
    `UPDATE etl_jobs SET status = 'FAILED', retry_count = 2, last_run_started_at = $2, last_run_finished_at = $3,
            error = 'Jira answered 401 Unauthorized: the API token was rejected', next_run_at = $4
      WHERE id = $1`,
    [jobs.Jira.id, failedAt, new Date(failedAt.getTime() + 12_000), new Date(now + 17 * MIN + 30_000)],
  );
  // the Jira integration is configured (URL, projects, sealed credentials) but switched off, so "activate both" can
  // turn it on
  await db.query(
    `UPDATE integrations SET base_url = 'https://acme.atlassian.net', settings = $2::jsonb, credentials_enc = $3
      WHERE id = (SELECT integration_id FROM etl_jobs WHERE id = $1)`,
    [
      jobs.Jira.id,
      { projectKeys: ["ACME"] },
      await encryptSecret(app.deps.keys.data, tenantId, { kind: "basic", email: "bot@acme.test", token: "t0ken" }),
    ],
  );
  return { tenantId, admin, user, viewer, jobs, githubRuns: history.length + 1 };
}
