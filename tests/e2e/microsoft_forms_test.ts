// The Microsoft providers in the browser: the Integrations page renders the Entra ID and Fabric forms from their
// schemas (client credentials — a secret for Entra ID, a certificate for Fabric, its PEM key pasted into a one-line
// password field —, group filter, lakehouse tables as "table:key" lines), their connection tests run
// against the fake identity platform, Graph and OneLake and say what they found, and the saved settings are what
// the connectors read.
import type { Page } from "playwright-core";
import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshot } from "../support/browser.ts";
import { startTestApp, TEST_PASSWORD } from "../support/app.ts";
import { primaryKind } from "../support/db.ts";
import { setupIslands } from "../../server/islands/mod.ts";
import { startFakeGraph } from "../fakes/msgraph/mod.ts";
import { DeltaTableWriter, startFakeOneLake } from "../fakes/onelake/mod.ts";
import { FIELDS, orders, TABLE_DIR } from "../fabric/support.ts";
import { seedDirectory } from "../entra/support.ts";

const kind = primaryKind();
const ready = (page: Page) => page.waitForSelector("html[data-sluice-ready]", { state: "attached" });

async function openForm(page: Page, provider: string) {
  await page.click("#new-integration");
  await page.waitForSelector(".modal-backdrop[data-state=open] #provider-picker");
  await page.click(`#provider-picker [data-provider="${provider}"]`);
  await page.waitForSelector(".modal-backdrop[data-state=open] #integration-form #integration-form-name");
}

async function fillCredentials(page: Page, c: { tenantId: string; clientId: string; clientSecret: string }) {
  await page.fill("#integration-form-credentials_tenantId", c.tenantId);
  await page.fill("#integration-form-credentials_clientId", c.clientId);
  await page.fill("#integration-form-credentials_clientSecret", c.clientSecret);
}

/** The certificate variant: the key goes into a password input, which drops its line breaks. */
async function fillCertificate(page: Page, c: { tenantId: string; clientId: string }) {
  await page.selectOption("#integration-form-credentials_kind", "client_certificate");
  await page.fill("#integration-form-credentials_tenantId", c.tenantId);
  await page.fill("#integration-form-credentials_clientId", c.clientId);
  await page.fill("#integration-form-credentials_privateKey", fixture("app_key.pem"));
  await page.fill("#integration-form-credentials_certificate", fixture("app_cert.pem"));
}

const fixture = (name: string) => Deno.readTextFileSync(new URL(`../fixtures/microsoft/${name}`, import.meta.url));

async function save(page: Page, url: string) {
  await Promise.all([
    page.waitForURL(new RegExp(`${url}/integrations\\?created=\\d+$`)),
    page.click("#integration-form button[type=submit]"),
  ]);
  await ready(page);
}

Deno.test({
  name: `microsoft forms[${kind}]: Entra ID and Fabric integrations from their forms, connection tests included`,
  ignore: !hasChromium(),
  fn: async () => {
    await setupIslands();
    const graph = startFakeGraph({ certificate: fixture("app_cert.pem") });
    const lake = startFakeOneLake(graph);
    seedDirectory(graph, 3);
    new DeltaTableWriter(lake.files, TABLE_DIR).create(FIELDS, orders(1, 2));
    const app = await startTestApp(kind);
    const browser = await launchBrowser();
    try {
      const tenant = await app.tenant("Acme");
      const admin = await app.user(tenant, "admin");
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${app.url}/login`);
      await page.fill("#email", admin.email);
      await page.fill("#password", TEST_PASSWORD);
      await Promise.all([page.waitForURL(`${app.url}/`), page.click("#login-form button[type=submit]")]);
      await page.goto(`${app.url}/integrations`);
      await ready(page);

      await openForm(page, "ad");
      await page.fill("#integration-form-name", "Contoso directory");
      await page.fill("#integration-form-baseUrl", graph.url);
      await page.click("#integration-form summary:has-text('Advanced settings')");
      await page.fill("#integration-form-settings_graphUrl", graph.url);
      await fillCredentials(page, { ...graph.credentials, clientSecret: "wrong-secret" });
      await page.click('#integration-form [data-action="test-form"]');
      await page.waitForSelector('#form-test-result[data-test-result="auth"]');
      await fillCredentials(page, graph.credentials);
      await page.click('#integration-form [data-action="test-form"]');
      await page.waitForSelector('#form-test-result[data-test-result="ok"]');
      await screenshot(page, "microsoft-entra-form");
      await save(page, app.url);

      await openForm(page, "fabric");
      await page.fill("#integration-form-name", "Contoso lakehouse");
      await page.fill("#integration-form-baseUrl", graph.url);
      await page.fill("#integration-form-settings_workspace", lake.workspace);
      await page.fill("#integration-form-settings_lakehouse", "Sales");
      await page.fill("#integration-form-settings_tables", "orders:Id, refunds:RefundId");
      await page.click("#integration-form summary:has-text('Advanced settings')");
      await page.fill("#integration-form-settings_onelakeUrl", lake.url);
      await fillCertificate(page, graph.credentials);
      await page.click('#integration-form [data-action="test-form"]');
      await page.waitForSelector("#form-test-result[data-test-result]");
      assertStringIncludes(await page.textContent("#form-test-result") ?? "", "refunds");
      assertEquals(graph.assertions.map((a) => a.ok), [true], "the certificate's assertion bought the Storage token");
      await screenshot(page, "microsoft-fabric-form");
      await save(page, app.url);

      const saved = await app.db.query<{ provider: string; settings: Record<string, unknown>; sealed: boolean }>(
        `SELECT provider, settings, credentials_enc IS NOT NULL AS sealed FROM integrations
          WHERE tenant_id = $1 AND name LIKE 'Contoso%' ORDER BY name`,
        [tenant],
      );
      assertEquals(saved.map((s) => [s.provider, s.sealed]), [["ad", true], ["fabric", true]]);
      assertEquals(saved[1].settings.tables, ["orders:Id", "refunds:RefundId"]);
      assertEquals(saved[0].settings.graphUrl, graph.url);
      assertEquals(errors, []);
    } finally {
      await browser.close();
      await app.close();
      await lake.close();
      await graph.close();
    }
  },
});
