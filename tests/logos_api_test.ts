// Integration logos over real HTTP: an uploaded SVG is rebuilt without anything active and served under a no-script
// CSP, an uploaded PNG is checked and knows whether it turns white in dark mode, bad uploads are 400 naming `data`,
// only admins upload, and another tenant's logo or integration is 404.
import { assert, assertEquals } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp } from "./support/app.ts";
import { encodePng } from "./support/png.ts";

const kind = primaryKind();
const base64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));

Deno.test(`logos api[${kind}]: uploads are checked, sanitized, served safely, and stay in their tenant`, async () => {
  const app = await startTestApp(kind, { env: { LOG_LEVEL: "error" } });
  try {
    const tenantId = await app.tenant("Acme");
    const admin = await app.login((await app.user(tenantId, "admin")).email);
    const viewer = await app.login((await app.user(tenantId, "viewer")).email);
    const [{ id }] = await app.db.query<{ id: number }>(
      "SELECT id FROM integrations WHERE tenant_id = $1 ORDER BY id LIMIT 1",
      [tenantId],
    );
    const upload = (body: unknown, token = admin, integration = id) =>
      app.api(`/app/etl/integrations/${integration}/logo`, { token, body });

    const dark = await encodePng({
      width: 32,
      height: 32,
      colorType: 6,
      filter: 2,
      pixel: (x, y) => (Math.hypot(x - 16, y - 16) < 12 ? [20, 24, 38, 255] : [0, 0, 0, 0]),
    });
    let res = await upload({ filename: "mark.png", contentType: "image/png", data: base64(dark) });
    const darkLogo = await res.json();
    assertEquals(res.status, 201, JSON.stringify(darkLogo));
    assertEquals(darkLogo.invertInDark, true, "a dark PNG turns white in dark mode");
    const light = await encodePng({ width: 8, height: 8, colorType: 2, pixel: () => [250, 250, 240] });
    res = await upload({ filename: "light.png", contentType: "image/png", data: base64(light) });
    assertEquals((await res.json()).invertInDark, false);

    const served = await app.api(darkLogo.src, { token: viewer });
    assertEquals(served.status, 200);
    assertEquals(served.headers.get("content-type"), "image/png");
    assertEquals(new Uint8Array(await served.arrayBuffer()), dark);

    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)">` +
      `<script>alert(2)</script><rect width="10" height="10" fill="#111"/></svg>`;
    res = await upload({
      filename: "x.svg",
      contentType: "image/svg+xml",
      data: base64(new TextEncoder().encode(svg)),
    });
    const svgLogo = await res.json();
    assertEquals(res.status, 201, JSON.stringify(svgLogo));
    assertEquals(svgLogo.invertInDark, true);
    const svgRes = await app.api(svgLogo.src, { token: admin });
    const text = await svgRes.text();
    assert(!/script|onload/i.test(text), `nothing active survives: ${text}`);
    assert(/default-src 'none'/.test(svgRes.headers.get("content-security-policy") ?? ""), "served under a strict CSP");

    res = await upload({ filename: "fake.png", contentType: "image/png", data: base64(new Uint8Array(64)) });
    assertEquals(res.status, 400);
    assertEquals((await res.json()).error.fields.map((f: { field: string }) => f.field), ["data"]);
    res = await upload({ filename: "mark.gif", contentType: "image/gif", data: "AAAA" });
    assertEquals(res.status, 400);
    assertEquals(
      (await res.json()).error.fields.map((f: { field: string }) => f.field).sort(),
      ["contentType", "filename"],
    );
    assertEquals(
      (await upload({ filename: "m.png", contentType: "image/png", data: base64(dark) }, viewer)).status,
      403,
    );

    const other = await app.tenant("Other");
    const otherAdmin = await app.login((await app.user(other, "admin")).email);
    assertEquals((await app.api(darkLogo.src, { token: otherAdmin })).status, 404, "another tenant's logo");
    assertEquals(
      (await upload({ filename: "m.png", contentType: "image/png", data: base64(dark) }, otherAdmin)).status,
      404,
      "another tenant's integration",
    );

    res = await app.api(`/app/etl/integrations/${id}/logo`, { token: admin, method: "DELETE" });
    assertEquals(res.status, 200);
    const [row] = await app.db.query<{ logo_id: number | null }>("SELECT logo_id FROM integrations WHERE id = $1", [
      id,
    ]);
    assertEquals(row.logo_id, null);
  } finally {
    await app.close();
  }
});
