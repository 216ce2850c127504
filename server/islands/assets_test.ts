import { Hono } from "hono";
import { join } from "node:path";
import { assertEquals } from "../../tests/support/assert.ts";
import { assetMiddleware, IMMUTABLE, REVALIDATE } from "./assets.ts";
import { resolveConfig } from "./config.ts";

const BUILD_ID = "0123456789abcdef";

async function fixture() {
  const dir = await Deno.makeTempDir({ prefix: "sluice-assets-test-" });
  const folder = join(dir, "static", "build", BUILD_ID);
  await Deno.mkdir(folder, { recursive: true });
  await Deno.writeTextFile(join(folder, "boot-ABC.js"), "export const x = 1;\n");
  await Deno.writeTextFile(join(folder, "app.css"), "body{margin:0}\n");
  await Deno.writeTextFile(join(folder, "manifest.json"), "{}\n");
  await Deno.writeTextFile(join(dir, "static", "build", "current.json"), `{"buildId":"${BUILD_ID}"}\n`);
  await Deno.writeTextFile(join(dir, "static", "logo.svg"), "<svg/>\n");
  const config = resolveConfig({ rootDir: dir, cssInput: null });
  const app = new Hono();
  app.use("/static/*", assetMiddleware(() => config));
  app.notFound((c) => c.text("not found", 404));
  return { app, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("assets: build files are immutable with the right content types", async () => {
  await using f = await fixture();
  const js = await f.app.request(`/static/build/${BUILD_ID}/boot-ABC.js`);
  assertEquals(js.status, 200);
  assertEquals(js.headers.get("cache-control"), IMMUTABLE);
  assertEquals(js.headers.get("content-type"), "text/javascript; charset=utf-8");
  assertEquals(js.headers.get("x-content-type-options"), "nosniff");
  assertEquals(await js.text(), "export const x = 1;\n");
  const css = await f.app.request(`/static/build/${BUILD_ID}/app.css`);
  assertEquals(css.headers.get("content-type"), "text/css; charset=utf-8");
  await css.body?.cancel();
});

Deno.test("assets: un-versioned static files revalidate, with a working ETag", async () => {
  await using f = await fixture();
  const svg = await f.app.request("/static/logo.svg");
  assertEquals(svg.headers.get("cache-control"), REVALIDATE);
  assertEquals(svg.headers.get("content-type"), "image/svg+xml");
  await svg.body?.cancel();
  const etag = svg.headers.get("etag")!;
  const again = await f.app.request("/static/logo.svg", { headers: { "if-none-match": etag } });
  assertEquals(again.status, 304);
  assertEquals(await again.text(), "");
  const head = await f.app.request("/static/logo.svg", { method: "HEAD" });
  assertEquals(head.status, 200);
  assertEquals(head.headers.get("content-length"), "7");
  assertEquals(await head.text(), "");
});

Deno.test("assets: manifests, the build pointer, unknown files and traversal are not served", async () => {
  await using f = await fixture();
  for (const path of [`/static/build/${BUILD_ID}/manifest.json`, "/static/build/current.json", "/static/nope.js"]) {
    const res = await f.app.request(path);
    assertEquals(res.status, 404, path);
    await res.body?.cancel();
  }
  for (const path of ["/static/..%2f..%2fetc%2fpasswd", "/static/a/%2e%2e%5c%2e%2e%5cx", "/static/build//x"]) {
    const res = await f.app.request(path);
    assertEquals(res.status, 400, path);
    assertEquals((await res.json()).error.includes("'..'"), true);
  }
  const post = await f.app.request("/static/logo.svg", { method: "POST" });
  assertEquals(post.status, 404);
  await post.body?.cancel();
});
