// The cache's own rules over a real (embedded) database: hits do not load, concurrent misses share one load, a
// change during a load keeps that load's value out of the cache and out of later requests, entries expire, and a
// tenant's notification drops only that tenant.
import { assert, assertEquals } from "../../tests/support/assert.ts";
import { withTestDb } from "../../tests/support/db.ts";
import { JOB_VIEWS_CHANNEL, TenantViews, VIEW_TTL_MS } from "./tenant_views.ts";

function counter() {
  let n = 0;
  return { load: (value: string) => () => Promise.resolve(`${value}#${++n}`), count: () => n };
}

Deno.test("tenant views: hits, shared misses, expiry", () =>
  withTestDb("pglite", async (db) => {
    const views = new TenantViews(db);
    assert(await views.subscribed);
    const c = counter();
    const [a, b] = await Promise.all([views.get(1, "k", c.load("v")), views.get(1, "k", c.load("v"))]);
    assertEquals([a, b, c.count()], ["v#1", "v#1", 1], "concurrent misses share one load");
    assertEquals(await views.get(1, "k", c.load("v")), "v#1", "a hit does not load");
    assertEquals(await views.get(2, "k", c.load("v")), "v#2", "tenants have their own entries");
    assertEquals(await views.get(1, "k", c.load("v"), Date.now() + VIEW_TTL_MS + 1), "v#3", "an old entry reloads");
  }));

Deno.test("tenant views: a change during a load is never hidden by it", () =>
  withTestDb("pglite", async (db) => {
    const views = new TenantViews(db);
    assert(await views.subscribed);
    const slow = Promise.withResolvers<string>();
    const before = views.get(1, "k", () => slow.promise);
    views.drop(1); // a write commits while the read is in flight
    const c = counter();
    const after = views.get(1, "k", c.load("new"));
    assertEquals(await after, "new#1", "a request after the change does not join the older read");
    slow.resolve("old");
    assertEquals(await before, "old");
    assertEquals(await views.get(1, "k", c.load("new")), "new#1", "the older read did not replace the newer entry");
    views.drop(1);
    assertEquals(await views.get(1, "k", c.load("new")), "new#2");
  }));

Deno.test("tenant views: a notification drops its tenant only", () =>
  withTestDb("pglite", async (db) => {
    const views = new TenantViews(db);
    assert(await views.subscribed);
    const c = counter();
    await views.get(1, "k", c.load("a"));
    await views.get(2, "k", c.load("b"));
    await db.notify(JOB_VIEWS_CHANNEL, "1");
    await new Promise((r) => setTimeout(r, 0));
    assertEquals(await views.get(1, "k", c.load("a")), "a#3", "tenant 1 reloads");
    assertEquals(await views.get(2, "k", c.load("b")), "b#2", "tenant 2 keeps its entry");
    await db.notify(JOB_VIEWS_CHANNEL, "not a tenant");
    await new Promise((r) => setTimeout(r, 0));
    assertEquals(await views.get(2, "k", c.load("b")), "b#4", "an unreadable payload drops everything");
  }));
