// Compression over real HTTP: pages and JSON compressed on the fly above 1 KiB, built assets served from their
// precompressed siblings, Accept-Encoding q-values respected, Vary/Content-Length/ETag/caching right, and the
// responses that must never be compressed (WebSocket upgrade, event streams, already-encoded bodies, no-transform).
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { assert, assertEquals, assertMatch } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp, type TestApp } from "./support/app.ts";
import { rawRequest } from "./support/raw_http.ts";
import { setupIslands } from "../server/islands/mod.ts";
import { compressResponses } from "../server/http/compress.ts";
import { IMMUTABLE } from "../server/islands/assets.ts";
import { ProgressHub } from "../server/live/hub.ts";

const kind = primaryKind();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function decode(coding: string | undefined, body: Uint8Array): Uint8Array {
  if (coding === "gzip") return new Uint8Array(gunzipSync(body));
  if (coding === "br") return new Uint8Array(brotliDecompressSync(body));
  assertEquals(coding, undefined, "unexpected content-encoding");
  return new Uint8Array(body);
}

async function signedIn(): Promise<{ app: TestApp; token: string; close: () => Promise<void> }> {
  const hub = new ProgressHub();
  const app = await startTestApp(kind, { extend: (deps) => void (deps.services!.hub = hub) });
  const tenant = await app.tenant("Zip");
  const admin = await app.user(tenant, "admin");
  const token = await app.login(admin.email);
  return {
    app,
    token,
    close: async () => {
      hub.close();
      await app.close();
    },
  };
}

Deno.test(`compression[${kind}]: JSON and pages follow Accept-Encoding and its q-values`, async () => {
  await setupIslands();
  const { app, token, close } = await signedIn();
  try {
    const url = `${app.url}/app/etl/jobs`;
    const auth = { authorization: `Bearer ${token}` };
    const plain = await rawRequest(url, { headers: auth });
    assertEquals(plain.headers["content-encoding"], undefined);
    assert(plain.body.byteLength > 1024, `job list is ${plain.body.byteLength} B, above the threshold`);
    assertMatch(plain.headers["vary"] ?? "", /accept-encoding/i);
    const expected = JSON.parse(text(plain.body));

    const cases: Array<[string, string | undefined]> = [
      ["gzip, deflate, br", "gzip"], // equal q: gzip is the cheaper one on the fly
      ["br", "br"],
      ["br;q=1.0, gzip;q=0.5", "br"],
      ["br;q=0.2, gzip;q=0.9", "gzip"],
      ["gzip;q=0, br;q=0", undefined],
      ["*", "gzip"],
      ["identity", undefined],
    ];
    for (const [accept, coding] of cases) {
      const res = await rawRequest(url, { headers: { ...auth, "accept-encoding": accept } });
      assertEquals(res.status, 200);
      assertEquals(res.headers["content-encoding"], coding, `Accept-Encoding: ${accept}`);
      assertEquals(Number(res.headers["content-length"]), res.body.byteLength, "Content-Length counts wire bytes");
      assertMatch(res.headers["vary"] ?? "", /accept-encoding/i);
      assertEquals(res.headers["cache-control"], "no-store");
      assertEquals(JSON.parse(text(decode(coding, res.body))), expected);
      if (coding) assert(res.body.byteLength < plain.body.byteLength / 2, `${coding} body is smaller`);
    }

    // a small body is sent as it is, even when compression is accepted
    const me = await rawRequest(`${app.url}/app/etl/me`, { headers: { ...auth, "accept-encoding": "gzip, br" } });
    assertEquals(me.status, 200);
    assert(me.body.byteLength < 1024);
    assertEquals(me.headers["content-encoding"], undefined);

    // HEAD is answered without a body and without an encoding
    const head = await rawRequest(url, { method: "HEAD", headers: { ...auth, "accept-encoding": "gzip" } });
    assertEquals(head.body.byteLength, 0);
    assertEquals(head.headers["content-encoding"], undefined);

    // the signed-in home page (HTML)
    const page = await rawRequest(`${app.url}/`, {
      headers: { cookie: `sluice_session=${token}`, "accept-encoding": "br;q=0.9, gzip;q=0.8" },
    });
    assertEquals(page.status, 200);
    assertEquals(page.headers["content-encoding"], "br");
    assertMatch(page.headers["content-type"], /^text\/html/);
    assertMatch(text(decode("br", page.body)), /^<!DOCTYPE html>.*ETL jobs/s);
    assertEquals(Number(page.headers["content-length"]), page.body.byteLength);
  } finally {
    await close();
  }
});

Deno.test(`compression[${kind}]: built assets are served from their precompressed siblings`, async () => {
  const runtime = await setupIslands();
  const { app, close } = await signedIn();
  try {
    // the largest script of the build (the shared chunk) must have both siblings
    const folder = new URL(`../static/build/${runtime.buildId}/`, import.meta.url);
    const files = (await Array.fromAsync(Deno.readDir(folder))).map((e) => e.name);
    const scripts = files.filter((f) => f.endsWith(".js"));
    const sizes = await Promise.all(scripts.map(async (f) => (await Deno.stat(new URL(f, folder))).size));
    const big = scripts[sizes.indexOf(Math.max(...sizes))];
    assert(files.includes(`${big}.br`) && files.includes(`${big}.gz`), `${big} has .br and .gz siblings`);
    const original = await Deno.readFile(new URL(big, folder));
    const url = `${app.url}${runtime.buildUrl(big)}`;

    const seen = new Set<string>();
    for (const [accept, coding, sibling] of [["br, gzip", "br", ".br"], ["gzip", "gzip", ".gz"], ["", undefined, ""]]) {
      const res = await rawRequest(url, { headers: accept ? { "accept-encoding": accept } : {} });
      assertEquals(res.status, 200);
      assertEquals(res.headers["content-encoding"], coding, `Accept-Encoding: ${accept}`);
      assertEquals(res.headers["cache-control"], IMMUTABLE);
      assertEquals(res.headers["vary"], "Accept-Encoding");
      assertMatch(res.headers["content-type"], /^text\/javascript/);
      const onDisk = (await Deno.stat(new URL(big + sibling, folder))).size;
      assertEquals(Number(res.headers["content-length"]), onDisk);
      assertEquals(res.body.byteLength, onDisk);
      assertEquals(decode(coding, res.body), original);
      // each representation has its own validator, and it revalidates to 304 with the same encoding headers
      const etag = res.headers["etag"];
      assert(etag && !seen.has(etag), "distinct ETag per encoding");
      seen.add(etag);
      const again = await rawRequest(url, {
        headers: { "if-none-match": etag, ...(accept ? { "accept-encoding": accept } : {}) },
      });
      assertEquals(again.status, 304);
      assertEquals(again.body.byteLength, 0);
      assertEquals(again.headers["content-encoding"], coding);
    }
    const head = await rawRequest(url, { method: "HEAD", headers: { "accept-encoding": "br" } });
    assertEquals(head.headers["content-encoding"], "br");
    assertEquals(head.body.byteLength, 0);
  } finally {
    await close();
  }
});

Deno.test(`compression[${kind}]: the WebSocket upgrade is never compressed`, async () => {
  await setupIslands();
  const { app, token, close } = await signedIn();
  const port = Number(new URL(app.url).port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = [
      "GET /app/etl/ws HTTP/1.1",
      `Host: 127.0.0.1:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      "Accept-Encoding: gzip, br",
      `Authorization: Bearer ${token}`,
      "",
      "",
    ].join("\r\n");
    await conn.write(new TextEncoder().encode(request));
    const buf = new Uint8Array(4096);
    let head = "";
    while (!head.includes("\r\n\r\n")) {
      const n = await conn.read(buf);
      if (n === null) break;
      head += text(buf.subarray(0, n));
    }
    assertMatch(head, /^HTTP\/1\.1 101 /);
    assert(!/content-encoding/i.test(head), `no Content-Encoding on the upgrade:\n${head}`);
  } finally {
    conn.close();
    await close();
  }
});

Deno.test("compression: event streams, encoded bodies and no-transform pass through untouched", async () => {
  const big = "x".repeat(4096);
  const app = new Hono();
  app.use("*", compressResponses());
  app.get("/events", (c) => c.body(`data: ${big}\n\n`, 200, { "content-type": "text/event-stream" }));
  app.get("/encoded", (c) => c.body(big, 200, { "content-type": "text/plain", "content-encoding": "identity-ish" }));
  app.get("/no-transform", (c) => c.body(big, 200, { "content-type": "text/plain", "cache-control": "no-transform" }));
  app.get("/png", (c) => c.body(new Uint8Array(4096), 200, { "content-type": "image/png" }));
  app.get("/text", (c) => c.text(big));
  const ready = Promise.withResolvers<number>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => ready.resolve(port) }, app.fetch);
  const base = `http://127.0.0.1:${await ready.promise}`;
  try {
    for (const path of ["/events", "/encoded", "/no-transform", "/png"]) {
      const res = await rawRequest(base + path, { headers: { "accept-encoding": "gzip, br" } });
      assertEquals(res.status, 200);
      assert(res.headers["content-encoding"] !== "gzip" && res.headers["content-encoding"] !== "br", path);
      assertEquals(res.body.byteLength, 4096 + (path === "/events" ? 8 : 0), path);
    }
    const res = await rawRequest(base + "/text", { headers: { "accept-encoding": "gzip" } });
    assertEquals(res.headers["content-encoding"], "gzip");
    assertEquals(text(gunzipSync(res.body)), big);
  } finally {
    await server.shutdown();
  }
});
