// The Fabric provider: the connection test mints a Storage token and lists the lakehouse's tables, naming the
// configured ones it did not find; refused credentials are explained without the secret; activation needs the
// workspace, lakehouse and tables; bad settings name the field.
import { assert, assertEquals } from "../support/assert.ts";
import { fabricProvider } from "../../server/providers/fabric.ts";
import { validProviderInput } from "../../server/providers/index.ts";
import { startFakeGraph } from "../fakes/msgraph/mod.ts";
import { DeltaTableWriter, startFakeOneLake } from "../fakes/onelake/mod.ts";
import { FIELDS, orders, TABLE_DIR } from "./support.ts";
import { ApiError } from "../../server/http_errors.ts";
import { defaultAddressGuard, OPEN_ADDRESSES } from "../../engine/http/address_guard.ts";

Deno.test("fabric provider: connection test lists tables; refused credentials; activation and settings rules", async () => {
  const graph = startFakeGraph();
  const lake = startFakeOneLake(graph);
  try {
    new DeltaTableWriter(lake.files, TABLE_DIR).create(FIELDS, orders(1, 2));
    const settings = {
      workspace: lake.workspace,
      lakehouse: "Sales",
      tables: ["orders:Id", "refunds:id"],
      onelakeUrl: lake.url,
    };
    const partial = await fabricProvider.testConnection!({
      baseUrl: graph.url,
      addressGuard: OPEN_ADDRESSES,
      settings,
      credentials: graph.credentials,
    });
    assertEquals([partial.ok, partial.error], [false, "not found under Tables/: refunds"]);
    assertEquals(partial.details?.tables, ["orders"]);
    const ok = await fabricProvider.testConnection!({
      baseUrl: graph.url,
      addressGuard: OPEN_ADDRESSES,
      settings: { ...settings, tables: settings.tables.slice(0, 1) },
      credentials: graph.credentials,
    });
    assert(ok.ok, ok.error);
    const bad = await fabricProvider.testConnection!({
      baseUrl: graph.url,
      addressGuard: OPEN_ADDRESSES,
      settings,
      credentials: { ...graph.credentials, clientSecret: "not-the-secret" },
    });
    assertEquals([bad.ok, bad.kind], [false, "auth"]);
    assert(!JSON.stringify(bad).includes("not-the-secret"));
    // a new install's default refuses internal addresses, OneLake's included
    const refused = await fabricProvider.testConnection!({
      baseUrl: graph.url,
      addressGuard: defaultAddressGuard(),
      settings,
      credentials: graph.credentials,
    });
    assertEquals(refused.ok, false);
    assert(/loopback|private|internal/i.test(refused.error ?? ""), refused.error);
    assertEquals(
      fabricProvider.activationProblems({ baseUrl: graph.url, settings: {}, hasCredentials: true }).map((p) => p.field),
      ["settings.workspace", "settings.lakehouse", "settings.tables"],
    );
    try {
      validProviderInput("fabric", { tables: ["orders"] }, undefined);
      throw new Error("accepted");
    } catch (e) {
      assert(e instanceof ApiError);
      assertEquals(e.fields?.map((f) => f.field), ["settings.tables.0"]);
    }
  } finally {
    await lake.close();
    await graph.close();
  }
});
