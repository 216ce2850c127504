// Shared setup for the Entra ID connector tests: a tenant whose seeded AD integration points at a fake identity
// platform + Graph (authority and Graph root on the same fake origin), a small directory (people with managers,
// departments, two groups, one larger than a page), and a page-by-page sync through tests/jira/driver.ts.
import type { Db } from "../../db/port.ts";
import { createTenant } from "../../db/seed.ts";
import { createEntraConnector, type EntraConnectorOptions } from "../../engine/connectors/entra/connector.ts";
import { type FakeGraph, type FakeGraphOptions, fakeGuid, type FUser, startFakeGraph } from "../fakes/msgraph/mod.ts";
import { type AdapterKind, withTestDb } from "../support/db.ts";
import { assertEquals } from "../support/assert.ts";
import { setLogLevel } from "../../lib/log.ts";
import { runSync, type SyncOptions, type SyncResult } from "../jira/driver.ts";
import { FAST_HTTP } from "../jira/support.ts";

export { FAST_HTTP };

export interface EntraEnv {
  db: Db;
  graph: FakeGraph;
  tenantId: number;
  integrationId: number;
  sync(options?: Partial<Omit<SyncOptions, "connector">> & { entra?: EntraConnectorOptions }): Promise<SyncResult>;
}

export const userId = (n: number) => fakeGuid(1, n);
export const groupId = (n: number) => fakeGuid(2, n);

export function person(n: number, change: Partial<FUser> = {}): FUser {
  return {
    id: userId(n),
    displayName: `Person ${n}`,
    mail: `person${n}@acme.example`,
    userPrincipalName: `p${n}@acme.onmicrosoft.example`,
    jobTitle: n === 1 ? "Head of Engineering" : "Engineer",
    department: n % 2 ? "Platform" : "Payments",
    accountEnabled: true,
    managerId: n === 1 ? null : userId(1),
    ...change,
  };
}

/** Seven people (1 manages the rest), "Platform" with 1, 3, 5, 7 and "Everyone" with all seven. */
export function seedDirectory(graph: FakeGraph, people = 7): void {
  for (let n = 1; n <= people; n++) graph.directory.putUser(person(n));
  const all = Array.from({ length: people }, (_, i) => userId(i + 1));
  graph.directory.putGroup(
    { id: groupId(1), displayName: "Platform", mail: "platform@acme.example", description: "Platform team" },
    all.filter((_, i) => i % 2 === 0),
  );
  graph.directory.putGroup({ id: groupId(2), displayName: "Everyone", mail: null, description: null }, all);
}

export async function withEntra(
  kind: AdapterKind,
  options: { fake?: FakeGraphOptions; settings?: Record<string, unknown> },
  fn: (env: EntraEnv) => Promise<void>,
) {
  setLogLevel("error");
  const graph = startFakeGraph(options.fake);
  try {
    await withTestDb(kind, async (db) => {
      const tenantId = await createTenant(db, "Acme");
      const integrationId = await pointAtFake(db, tenantId, graph, options.settings);
      const sync: EntraEnv["sync"] = async (o = {}) => {
        const connector = createEntraConnector({ http: FAST_HTTP, ...o.entra });
        const { entra: _, ...rest } = o;
        return await runSync({ db, tenantId, integrationId, credentials: graph.credentials, ...rest, connector });
      };
      await fn({ db, graph, tenantId, integrationId, sync });
    });
    assertEquals(graph.internalErrors, []);
  } finally {
    await graph.close();
  }
}

/** Points the tenant's seeded AD integration at the fake; returns its id. */
export async function pointAtFake(
  db: Db,
  tenantId: number,
  graph: FakeGraph,
  settings: Record<string, unknown> = {},
): Promise<number> {
  const [{ id }] = await db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'ad'",
    [tenantId],
  );
  await db.query(
    "UPDATE integrations SET base_url = $3, settings = $4::jsonb, active = true WHERE tenant_id = $1 AND id = $2",
    [tenantId, id, graph.url, JSON.stringify({ graphUrl: graph.url, ...settings })],
  );
  return id;
}

/** Identities of the tenant's Jira and GitHub integrations (as their connectors would have loaded them). */
export async function addIdentities(
  db: Db,
  tenantId: number,
  rows: Array<{ provider: "jira" | "github"; externalId: string; email: string | null; name?: string }>,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const r of rows) {
    const [{ id }] = await db.query<{ id: number }>(
      `INSERT INTO identities (tenant_id, integration_id, external_id, display_name, email, person_key)
       SELECT $1, i.id, $3, $4, $5, lower($5) FROM integrations i WHERE i.tenant_id = $1 AND i.provider = $2
       RETURNING id`,
      [tenantId, r.provider, r.externalId, r.name ?? r.externalId, r.email],
    );
    ids.set(r.externalId, Number(id));
  }
  return ids;
}
