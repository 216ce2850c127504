// Certificate credentials over the integrations API: saved write-only (the key and certificate never come back),
// the saved configuration's connection test signs with the stored key against the fake identity platform; a value
// that is not a PEM key is a 400 naming the field, and a PEM-shaped block that is no key is a configuration failure
// of the test (never a 500).
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp } from "../support/app.ts";
import { startFakeGraph } from "../fakes/msgraph/mod.ts";
import { seedDirectory } from "../entra/support.ts";

const kind = primaryKind();
const fixture = (name: string) => Deno.readTextFileSync(new URL(`../fixtures/microsoft/${name}`, import.meta.url));

Deno.test(`certificate credentials api[${kind}]: saved write-only, used by the saved connection test`, async () => {
  const CERT = fixture("app_cert.pem");
  const KEY = fixture("app_key.pem");
  const graph = startFakeGraph({ certificate: CERT });
  const app = await startTestApp(kind, { env: { LOG_LEVEL: "error" } });
  try {
    seedDirectory(graph, 2);
    const tenantId = await app.tenant("Acme");
    const admin = await app.login((await app.user(tenantId, "admin")).email);
    const [{ id }] = await app.db.query<{ id: number }>(
      "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'ad'",
      [tenantId],
    );
    const { tenantId: directory, clientId } = graph.credentials;
    const put = (credentials: Record<string, unknown>) =>
      app.api(`/app/etl/integrations/${id}`, {
        method: "PUT",
        token: admin,
        body: { baseUrl: graph.url, settings: { graphUrl: graph.url }, credentials },
      });
    const certificate = {
      kind: "client_certificate",
      tenantId: directory,
      clientId,
      privateKey: KEY,
      certificate: CERT,
    };

    const bad = await put({ ...certificate, privateKey: "not a key" });
    assertEquals(bad.status, 400);
    assertEquals((await bad.json()).error.fields.map((f: { field: string }) => f.field), ["credentials.privateKey"]);

    const saved = await put(certificate);
    assertEquals(saved.status, 200);
    const shown = JSON.stringify(await (await app.api(`/app/etl/integrations/${id}`, { token: admin })).json());
    const keyBody = KEY.split("\n")[1];
    assert(!shown.includes(keyBody) && !shown.includes("PRIVATE KEY") && !shown.includes("CERTIFICATE"), shown);

    const tested = await app.api(`/app/etl/integrations/${id}/test`, { token: admin, body: {} });
    assertEquals(tested.status, 200);
    const result = await tested.json();
    assert(result.ok, JSON.stringify(result));
    assertEquals(graph.assertions.map((a) => a.ok), [true], "the stored key signed the assertion");

    // PEM-shaped, but no RSA key inside: the test says so as a configuration problem
    const garbage = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----";
    assertEquals((await put({ ...certificate, privateKey: garbage })).status, 200);
    const failed = await app.api(`/app/etl/integrations/${id}/test`, { token: admin, body: {} });
    assertEquals(failed.status, 200);
    const why = await failed.json();
    assertEquals([why.ok, why.kind], [false, "config"]);
    assert(/private key/.test(why.error), why.error);
  } finally {
    await app.close();
    await graph.close();
  }
});
