import { assertEquals, assertRejects } from "../../tests/support/assert.ts";
import { jwtKey, signSession } from "./jwt.ts";
import { verifySessionCached } from "./token_cache.ts";

const claims = { userId: 7, tenantId: 3, role: "user" as const, email: "u@t.test" };

Deno.test("token cache: a known token is accepted again, but not after it expires", async () => {
  const key = jwtKey("k".repeat(40));
  const now = Date.now();
  const token = await signSession(key, claims, now, 60);
  assertEquals((await verifySessionCached(key, token, now)).userId, 7);
  assertEquals((await verifySessionCached(key, token, now + 30_000)).tenantId, 3);
  await assertRejects(() => verifySessionCached(key, token, now + 61_000), /expired/);
});

Deno.test("token cache: a token verified under one key is refused under another", async () => {
  const a = jwtKey("a".repeat(40));
  const b = jwtKey("b".repeat(40));
  const token = await signSession(a, claims);
  await verifySessionCached(a, token);
  await assertRejects(() => verifySessionCached(b, token), /invalid token/);
});

Deno.test("token cache: forged tokens are never remembered as valid", async () => {
  const key = jwtKey("k".repeat(40));
  const token = await signSession(key, claims);
  const forged = token.slice(0, -2) + (token.endsWith("A") ? "BB" : "AA");
  await assertRejects(() => verifySessionCached(key, forged), /invalid token/);
  await assertRejects(() => verifySessionCached(key, forged), /invalid token/);
});
