// Shared setup for the GitHub connector tests: a tenant with the seeded vocabulary, its GitHub integration pointed
// at a fake GitHub (Enterprise Server URL layout: REST under /api/v3, GraphQL at /api/graphql), and helpers to run
// the connector's steps page by page (tests/jira/driver.ts is the connector-agnostic page driver).
import type { Db } from "../../db/port.ts";
import { createTenant } from "../../db/seed.ts";
import { createGitHubConnector, type GitHubConnectorOptions } from "../../engine/connectors/github/connector.ts";
import type { GitHubClient } from "../../engine/connectors/github/client/client.ts";
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from "../fakes/github/mod.ts";
import { type AdapterKind, adapterKinds, withTestDb } from "../support/db.ts";
import { assertEquals } from "../support/assert.ts";
import { setLogLevel } from "../../lib/log.ts";
import { runSync, type SyncOptions, type SyncResult } from "../jira/driver.ts";
import { FAST_HTTP } from "../jira/support.ts";

export { FAST_HTTP };

export const RECORDED_ORG = "JupiterOne-Sandbox";

export interface GitHubEnv {
  db: Db;
  github: FakeGitHub;
  tenantId: number;
  integrationId: number;
  credentials: unknown;
  /** Runs the connector's steps (all, or the given ones) with fast HTTP options. */
  sync(
    options?: Partial<Omit<SyncOptions, "connector">> & { github?: GitHubConnectorOptions },
  ): Promise<SyncResult & { client?: GitHubClient }>;
}

export interface EnvOptions {
  fake?: FakeGitHubOptions;
  settings?: Record<string, unknown>;
  /** Base URL path appended to the fake's origin (default "/api/v3"). */
  basePath?: string;
}

export async function withGitHub(kind: AdapterKind, options: EnvOptions, fn: (env: GitHubEnv) => Promise<void>) {
  setLogLevel("error");
  const github = await startFakeGitHub(options.fake ?? {});
  try {
    await withTestDb(kind, async (db) => {
      const tenantId = await createTenant(db, "Acme");
      const [{ id: integrationId }] = await db.query<{ id: number }>(
        "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'github'",
        [tenantId],
      );
      const settings = {
        organization: RECORDED_ORG,
        includeArchived: true,
        includeForks: true,
        lookbackDays: 3650,
        ...options.settings,
      };
      await db.query(
        "UPDATE integrations SET base_url = $3, settings = $4::jsonb, active = true WHERE tenant_id = $1 AND id = $2",
        [tenantId, integrationId, `${github.url}${options.basePath ?? "/api/v3"}`, JSON.stringify(settings)],
      );
      const credentials = { kind: "bearer", token: github.token };
      const sync: GitHubEnv["sync"] = async (o = {}) => {
        let client: GitHubClient | undefined;
        const connector = createGitHubConnector({
          http: FAST_HTTP,
          ...o.github,
          onClient: (c) => {
            client = c;
            o.github?.onClient?.(c);
          },
        });
        const { github: _, ...rest } = o;
        const result = await runSync({ db, tenantId, integrationId, credentials, ...rest, connector });
        return { ...result, client };
      };
      await fn({ db, github, tenantId, integrationId, credentials, sync });
    });
    assertEquals(github.internalErrors, []);
  } finally {
    await github.close();
  }
}

export function kinds(): AdapterKind[] {
  return adapterKinds();
}

export async function count(db: Db, table: string, where = "true"): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`);
  return n;
}

/** Jira work items with these keys in the tenant's Jira integration (returns that integration's id). */
export async function addWorkItems(db: Db, tenantId: number, keys: string[]): Promise<number> {
  const [{ id: jira }] = await db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
    [tenantId],
  );
  await db.query(
    `INSERT INTO work_items (tenant_id, integration_id, external_id, key, summary)
     SELECT $1, $2, 'wi-' || k, k, 'Work item ' || k FROM unnest($3::text[]) k`,
    [tenantId, jira, keys],
  );
  return jira;
}
