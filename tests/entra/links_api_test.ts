// Directory people ↔ Jira/GitHub identities over real HTTP: automatic links by mail or UPN (any case) after a sync,
// the job details' figures and full-walk note, the review list (searched and paged on the server), the people
// search an admin picks from, an admin's manual link (or "nobody") that later syncs never replace, automatic links
// dropped when the person leaves, role and tenant checks, and the provider's connection test against the fake
// identity platform.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp } from "../support/app.ts";
import { createEntraConnector } from "../../engine/connectors/entra/connector.ts";
import { entraProvider } from "../../server/providers/entra.ts";
import { startFakeGraph } from "../fakes/msgraph/mod.ts";
import { runSync } from "../jira/driver.ts";
import { addIdentities, FAST_HTTP, pointAtFake, seedDirectory, userId } from "./support.ts";
import { defaultAddressGuard, OPEN_ADDRESSES } from "../../engine/http/address_guard.ts";

const kind = primaryKind();

Deno.test(`entra links api[${kind}]: automatic links, review list, manual override kept across syncs`, async () => {
  const graph = startFakeGraph();
  const app = await startTestApp(kind);
  try {
    seedDirectory(graph);
    const t = await app.tenant("Acme");
    const other = await app.tenant("Other");
    const integrationId = await pointAtFake(app.db, t, graph);
    const ids = await addIdentities(app.db, t, [
      { provider: "jira", externalId: "j1", email: "person1@acme.example" },
      { provider: "github", externalId: "octo2", email: "P2@ACME.onmicrosoft.example" },
      { provider: "jira", externalId: "j9", email: "stranger@else.example" },
      { provider: "github", externalId: "octo3", email: null },
    ]);
    const [foreign] = await addIdentities(app.db, other, [
      { provider: "jira", externalId: "x1", email: "person1@acme.example" },
    ]).then((m) => [...m.values()]);
    const connector = createEntraConnector({ http: FAST_HTTP });
    const sync = () => runSync({ db: app.db, tenantId: t, integrationId, credentials: graph.credentials, connector });
    await sync();

    const admin = await app.login((await app.user(t, "admin")).email);
    const viewer = await app.login((await app.user(t, "viewer")).email);
    const list = async (query: string) =>
      (await (await app.api(`/app/etl/directory/identities?${query}`, { token: viewer })).json()) as {
        total: number;
        items: Array<{ id: number; externalId: string; method: string | null; person: { id: number } | null }>;
      };
    const linked = await list("status=linked");
    assertEquals(linked.items.map((i) => [i.externalId, i.method]), [["j1", "mail"], ["octo2", "upn"]]);
    assertEquals((await list("status=unlinked")).items.map((i) => i.externalId), ["j9", "octo3"]);
    assertEquals((await list("status=all")).total, 4, "only this tenant's identities");
    // server-side search (name, account id, e-mail; LIKE characters taken literally) and paging
    assertEquals((await list("q=STRANGER")).items.map((i) => i.externalId), ["j9"]);
    assertEquals((await list("q=octo&status=unlinked")).items.map((i) => i.externalId), ["octo3"]);
    assertEquals((await list("q=%25")).total, 0);
    const second = await list("limit=2&offset=2");
    assertEquals([second.total, second.items.length], [4, 2]);
    const tooLong = await app.api(`/app/etl/directory/identities?q=${"x".repeat(201)}`, { token: viewer });
    assertEquals([tooLong.status, (await tooLong.json()).error.fields[0].field], [400, "query.q"]);
    const people = await (await app.api("/app/etl/directory/people?q=PERSON%203", { token: viewer })).json();
    assertEquals(people.items.map((p: { displayName: string }) => p.displayName), ["Person 3"]);
    const paged = await (await app.api("/app/etl/directory/people?limit=5", { token: viewer })).json();
    assertEquals([paged.total, paged.items.length], [7, 5]);

    const [{ id: jobId }] = await app.db.query<{ id: number }>(
      "SELECT id FROM etl_jobs WHERE tenant_id = $1 AND job_type = 'ad'",
      [t],
    );
    const details = await (await app.api(`/app/etl/jobs/${jobId}/details`, { token: viewer })).json();
    const figures = Object.fromEntries(details.figures.map((f: { key: string; value: number }) => [f.key, f.value]));
    assertEquals(figures, { users: 7, groups: 2, memberships: 11, linked: 2, unlinked: 2 });
    const note = details.integration.scope.find((s: { label: string }) => s.label === "Last full walk of users");
    assert(note?.value.startsWith("first sync"), JSON.stringify(details.integration.scope));

    const [{ id: person3 }] = await app.db.query<{ id: number }>(
      "SELECT id FROM directory_people WHERE external_id = $1",
      [userId(3)],
    );
    const put = (identity: number, body: unknown, token = admin) =>
      app.api(`/app/etl/directory/identities/${identity}/link`, { method: "PUT", token, body });
    assertEquals((await put(ids.get("j9")!, { personId: Number(person3) }, viewer)).status, 403);
    assertEquals((await put(foreign, { personId: Number(person3) })).status, 404, "another tenant's identity");
    const bad = await put(ids.get("j9")!, { personId: "three" });
    assertEquals([bad.status, (await bad.json()).error.fields[0].field], [400, "personId"]);
    const missing = await put(ids.get("j9")!, { personId: 999_999 });
    assertEquals([missing.status, (await missing.json()).error.fields[0].field], [400, "personId"]);
    const manual = await (await put(ids.get("j9")!, { personId: Number(person3) })).json();
    assertEquals([manual.method, manual.person.id], ["manual", Number(person3)]);
    const nobody = await (await put(ids.get("j1")!, { personId: null })).json();
    assertEquals([nobody.method, nobody.person], ["manual", null]);

    // the directory changes: person 2 leaves; a sync keeps manual decisions and drops the stale automatic link
    graph.directory.removeUser(userId(2));
    await sync();
    const after = await list("status=all");
    const by = new Map(after.items.map((i) => [i.externalId, i]));
    assertEquals([by.get("j1")!.method, by.get("j1")!.person], ["manual", null], "nobody stays nobody");
    assertEquals(by.get("j9")!.person?.id, Number(person3));
    assertEquals([by.get("octo2")!.method, by.get("octo2")!.person], [null, null], "the person left");

    // removing the manual decision lets automatic matching link j1 again, at once
    const del = await app.api(`/app/etl/directory/identities/${ids.get("j1")}/link`, {
      method: "DELETE",
      token: admin,
    });
    const relinked = await del.json();
    assertEquals([del.status, relinked.method], [200, "mail"]);
  } finally {
    await app.close();
    await graph.close();
  }
});

Deno.test("entra provider: the connection test mints a token and reads a user; refused credentials are explained", async () => {
  const graph = startFakeGraph();
  try {
    seedDirectory(graph, 2);
    const settings = { graphUrl: graph.url };
    const ok = await entraProvider.testConnection!({
      baseUrl: graph.url,
      addressGuard: OPEN_ADDRESSES, // the fakes listen on loopback
      settings,
      credentials: graph.credentials,
    });
    assert(ok.ok, ok.error);
    assertEquals(ok.details?.usersVisible, true);
    const bad = await entraProvider.testConnection!({
      baseUrl: graph.url,
      addressGuard: OPEN_ADDRESSES,
      settings,
      credentials: { ...graph.credentials, clientSecret: "not-the-secret" },
    });
    assertEquals([bad.ok, bad.kind], [false, "auth"]);
    assert(!JSON.stringify(bad).includes("not-the-secret"), JSON.stringify(bad));
    // a new install's default refuses internal addresses: the token endpoint on loopback is never called
    const served = graph.requests.length;
    const refused = await entraProvider.testConnection!({
      baseUrl: graph.url,
      addressGuard: defaultAddressGuard(),
      settings,
      credentials: graph.credentials,
    });
    assertEquals(refused.ok, false);
    assert(/loopback|private|internal/i.test(refused.error ?? ""), refused.error);
    assertEquals(graph.requests.length, served);
    assertEquals(
      entraProvider.activationProblems({ baseUrl: null, settings: {}, hasCredentials: false }).map((p) => p.field),
      ["baseUrl", "credentials"],
    );
    assert(!entraProvider.settings.safeParse({ groupIds: ["not-a-guid"] }).success);
  } finally {
    await graph.close();
  }
});
