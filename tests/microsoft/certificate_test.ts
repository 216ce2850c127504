// Certificate credentials on the Microsoft identity platform: the token source signs a client assertion with the
// certificate's key and the fake identity platform verifies it against the registered certificate (signature,
// thumbprint, audience, issuer/subject, lifetime, jti). A key that is not the certificate's, or a certificate the app
// does not have, is refused as an auth failure without the key in the error. The provider schemas take a secret or a
// certificate (field-named 400s), the Integrations form offers both, and both connectors sync with a certificate.
import { exportPKCS8, generateKeyPair } from "jose";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startFakeGraph } from "../fakes/msgraph/mod.ts";
import {
  type MicrosoftCredentials,
  MicrosoftTokenSource,
  readMicrosoftCredentials,
} from "../../engine/connectors/microsoft/identity.ts";
import { OPEN_ADDRESSES } from "../../engine/http/address_guard.ts";
import { SourceAuthError } from "../../engine/http/errors.ts";
import { validProviderInput } from "../../server/providers/index.ts";
import { ApiError } from "../../server/http_errors.ts";
import { fieldsFromJsonSchema } from "../../components/ui/form/schema.ts";
import { integrationForm } from "../../routes/app/etl/providers.ts";
import { fabricProvider } from "../../server/providers/fabric.ts";
import { FIELDS, loadedRows, orders, sortById, withFabric } from "../fabric/support.ts";
import { seedDirectory, withEntra } from "../entra/support.ts";

const fixture = (name: string) => Deno.readTextFileSync(new URL(`../fixtures/microsoft/${name}`, import.meta.url));
const CERT = fixture("app_cert.pem");
const KEY = fixture("app_key.pem");
const RSA_KEY = fixture("app_key_rsa.pem");
const GRAPH = "https://graph.microsoft.com/.default";
const kind = primaryKind();

/** A token source against the fake (on loopback, which the default address policy refuses). */
const tokenSource = (c: MicrosoftCredentials, authority: string) =>
  new MicrosoftTokenSource(c, authority, { addressGuard: OPEN_ADDRESSES });

/** Certificate credentials for the fake's app, read as the connectors read stored ones (defaults applied). */
function certificateCredentials(graph: { credentials: { tenantId: string; clientId: string } }, extra = {}) {
  const { tenantId, clientId } = graph.credentials;
  return readMicrosoftCredentials(
    JSON.parse(
      JSON.stringify({ kind: "client_certificate", tenantId, clientId, privateKey: KEY, certificate: CERT, ...extra }),
    ),
  );
}

function sha1Thumbprint(): Promise<string> {
  const der = Uint8Array.from(atob(CERT.replace(/-----[A-Z ]+-----|\s/g, "")), (c) => c.charCodeAt(0));
  return crypto.subtle.digest("SHA-1", der).then((d) =>
    [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":")
  );
}

Deno.test("certificate credentials: a signed client assertion buys a token; the fake verified every claim", async () => {
  const graph = startFakeGraph({ certificate: CERT });
  try {
    const source = tokenSource(certificateCredentials(graph), graph.url);
    const token = await source.token(GRAPH);
    assert(graph.validToken(token));
    const [check] = graph.assertions;
    assert(check.ok, check.error);
    assertEquals(check.header!.alg, "PS256", "the default");
    assert(typeof check.header!["x5t#S256"] === "string" && typeof check.header!.x5t === "string");
    const claims = check.claims!;
    assertEquals([claims.aud, claims.iss, claims.sub], [
      `${graph.url}/${graph.credentials.tenantId}/oauth2/v2.0/token`,
      graph.credentials.clientId,
      graph.credentials.clientId,
    ]);
    assert(Number(claims.exp) - Number(claims.nbf) <= 600 && typeof claims.jti === "string");
    // a second audience mints with a fresh assertion (new jti: the fake refuses a replay)
    await source.token("https://storage.azure.com/.default");
    assertEquals(graph.assertions.map((a) => a.ok), [true, true]);

    // a PKCS#1 key pasted without line breaks, the SHA-1 thumbprint the portal shows, RS256
    const oneLine = RSA_KEY.replace(/\n/g, " ");
    const rs = tokenSource(
      certificateCredentials(graph, {
        privateKey: oneLine,
        certificate: undefined,
        thumbprint: await sha1Thumbprint(),
        algorithm: "RS256",
      }),
      graph.url,
    );
    await rs.token(GRAPH);
    const last = graph.assertions.at(-1)!;
    assert(last.ok, last.error);
    assertEquals([last.header!.alg, last.header!["x5t#S256"]], ["RS256", undefined]);
  } finally {
    await graph.close();
  }
});

Deno.test("certificate credentials: a key that is not the certificate's, or an unknown certificate, is refused", async () => {
  const graph = startFakeGraph({ certificate: CERT });
  try {
    const { privateKey } = await generateKeyPair("PS256", { extractable: true });
    const otherKey = await exportPKCS8(privateKey);
    const wrongKey = tokenSource(certificateCredentials(graph, { privateKey: otherKey }), graph.url);
    const e = await assertRejects(() => wrongKey.token(GRAPH), /refused the client credentials/);
    assert(e instanceof SourceAuthError);
    assert(!JSON.stringify({ m: e.message, x: (e as SourceAuthError).excerpt }).includes(otherKey.slice(40, 80)));
    assert(/signature validation/.test(graph.assertions.at(-1)!.error!), graph.assertions.at(-1)!.error);

    const unknown = tokenSource(
      certificateCredentials(graph, { certificate: undefined, thumbprint: "ab".repeat(32) }),
      graph.url,
    );
    await assertRejects(() => unknown.token(GRAPH), /refused the client credentials/);
    assert(/AADSTS700027.*not registered/.test(graph.assertions.at(-1)!.error!));
    assertEquals(graph.tokensIssued, 0);

    // an app without a registered certificate refuses assertions; its secret still works
    const plain = startFakeGraph();
    try {
      await assertRejects(
        () => tokenSource(certificateCredentials(plain), plain.url).token(GRAPH),
        /refused the client credentials/,
      );
      assert(plain.validToken(await tokenSource(plain.credentials, plain.url).token(GRAPH)));
    } finally {
      await plain.close();
    }
  } finally {
    await graph.close();
  }
});

Deno.test("certificate credentials: both providers take a secret or a certificate, naming the bad field", () => {
  const base = { tenantId: "contoso.example", clientId: "app" };
  for (const provider of ["ad", "fabric"]) {
    const ok = validProviderInput(provider, {}, {
      kind: "client_certificate",
      ...base,
      privateKey: KEY,
      certificate: CERT,
    });
    assertEquals((ok.credentials as { algorithm: string }).algorithm, "PS256");
    validProviderInput(provider, {}, { kind: "client_credentials", ...base, clientSecret: "s" });
    const fields = (credentials: unknown) => {
      try {
        validProviderInput(provider, {}, credentials);
      } catch (e) {
        assert(e instanceof ApiError && e.status === 400);
        return e.fields?.map((f) => f.field);
      }
      throw new Error("accepted");
    };
    assertEquals(fields({ kind: "client_certificate", ...base, privateKey: KEY }), ["credentials.certificate"]);
    assertEquals(fields({ kind: "client_certificate", ...base, privateKey: CERT, thumbprint: "ab".repeat(20) }), [
      "credentials.privateKey",
    ]);
    assertEquals(fields({ kind: "client_certificate", ...base, privateKey: KEY, thumbprint: "xyz" }), [
      "credentials.thumbprint",
    ]);
    assertEquals(
      fields({ kind: "client_certificate", ...base, privateKey: KEY, certificate: CERT, clientSecret: "s" }),
      [
        "credentials",
      ],
    );
  }
});

Deno.test("certificate credentials: the Integrations form offers a secret or a certificate", () => {
  const nodes = fieldsFromJsonSchema(integrationForm(fabricProvider));
  const creds = nodes.find((n) => n.path === "credentials");
  if (creds?.kind !== "variant") throw new Error("credentials should be a choice of kind");
  assertEquals(creds.variants.map((v) => [v.value, v.label]), [
    ["client_credentials", "Client secret"],
    ["client_certificate", "Certificate"],
  ]);
  const cert = creds.variants[1].children.map((c) => [c.path, c.kind, c.label, c.required, c.advanced]);
  assertEquals(cert, [
    ["credentials.tenantId", "text", "Directory (tenant) id", true, false],
    ["credentials.clientId", "text", "Application (client) id", true, false],
    ["credentials.privateKey", "password", "Private key (PEM)", true, false],
    ["credentials.certificate", "textarea", "Certificate (PEM)", false, false],
    ["credentials.thumbprint", "text", "Certificate thumbprint", false, false],
    ["credentials.algorithm", "select", "Signing algorithm", false, true],
  ]);
});

Deno.test(`certificate credentials [${kind}]: the Fabric and Entra ID connectors sync with a certificate`, async () => {
  await withFabric(kind, async ({ db, graph, table, integrationId, sync }) => {
    table.create(FIELDS, orders(1, 5));
    const run = await sync({ credentials: certificateCredentials(graph) });
    assert(!run.stopped);
    assertEquals(await loadedRows(db, integrationId), sortById(table.rows()));
    assert(graph.assertions.length >= 1 && graph.assertions.every((a) => a.ok));
  }, { certificate: CERT });
  await withEntra(kind, { fake: { certificate: CERT } }, async ({ db, graph, sync }) => {
    seedDirectory(graph);
    const run = await sync({ credentials: certificateCredentials(graph) });
    assert(!run.stopped);
    const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM directory_people");
    assertEquals(n, 7);
    assert(graph.assertions.length >= 1 && graph.assertions.every((a) => a.ok));
  });
});
