import { assert, assertEquals } from "../../tests/support/assert.ts";
import { adapterKinds, withTestDb } from "../../tests/support/db.ts";
import { createTenant } from "../../db/seed.ts";
import { createUser, revokeTokens } from "./users.ts";
import { accountCache } from "./account_cache.ts";
import type { Db } from "../../db/port.ts";

/** Waits until the cache shows what the database says (notifications arrive shortly after the commit). */
async function eventually(check: () => Promise<boolean>, what: string) {
  const until = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within 5 s: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function setup(db: Db) {
  const tenantId = await createTenant(db, "Acme");
  const userId = await createUser(db, {
    tenantId,
    email: "a@acme.test",
    role: "admin",
    password: "x".repeat(12),
    iterations: 1000,
  });
  const cache = accountCache(db);
  assert(await cache.subscribed, "subscribed to account changes");
  await eventually(async () => (await cache.get(userId))?.role === "admin", "first read");
  return { tenantId, userId, cache };
}

/** Counts the statements the cache sends, to tell a memory hit from a read. */
function countQueries(db: Db) {
  let n = 0;
  const query = db.query.bind(db);
  db.query = ((sql: string, params?: unknown[]) => (n++, query(sql, params))) as Db["query"];
  return () => n;
}

for (const kind of adapterKinds()) {
  Deno.test(`account cache[${kind}]: repeated lookups are answered from memory`, async () => {
    await withTestDb(kind, async (db) => {
      const { userId, cache } = await setup(db);
      const count = countQueries(db);
      for (let i = 0; i < 5; i++) assertEquals((await cache.get(userId))?.email, "a@acme.test");
      assertEquals(count(), 0);
    });
  });

  Deno.test(`account cache[${kind}]: a change made with plain SQL is seen without waiting for the time limit`, async () => {
    await withTestDb(kind, async (db) => {
      const { userId, cache } = await setup(db);
      await db.query("UPDATE users SET role = 'viewer', theme = 'dark' WHERE id = $1", [userId]);
      await eventually(async () => (await cache.get(userId))?.role === "viewer", "role change seen");
      assertEquals((await cache.get(userId))?.theme, "dark");
    });
  });

  Deno.test(`account cache[${kind}]: a tenant change (deactivation) reaches its users`, async () => {
    await withTestDb(kind, async (db) => {
      const { tenantId, userId, cache } = await setup(db);
      await db.query("UPDATE tenants SET active = false WHERE id = $1", [tenantId]);
      await eventually(async () => (await cache.get(userId))?.active === false, "tenant deactivation seen");
    });
  });

  Deno.test(`account cache[${kind}]: this process's own revocation is seen at once`, async () => {
    await withTestDb(kind, async (db) => {
      const { userId, cache } = await setup(db);
      const at = new Date(Date.now() + 1000);
      await revokeTokens(db, userId, at);
      const row = await cache.get(userId);
      assert(row, "account still there");
      assertEquals(row.tokens_valid_after.getTime(), at.getTime());
    });
  });
}
