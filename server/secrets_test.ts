import { assert, assertEquals, assertNotEquals, assertRejects } from "../tests/support/assert.ts";
import { decryptSecret, deriveDataKey, encryptSecret, randomSecret } from "./secrets.ts";

Deno.test("secrets: AES-GCM round trip, fresh IV each time, bound to the tenant", async () => {
  const key = await deriveDataKey("k".repeat(40));
  const creds = { kind: "basic", email: "bot@example.com", token: "ATATT-very-secret" };
  const a = await encryptSecret(key, 7, creds);
  const b = await encryptSecret(key, 7, creds);
  assertNotEquals(a, b);
  assert(!a.includes("very-secret"), "ciphertext does not contain the plain text");
  assertEquals(await decryptSecret(key, 7, a), creds);
  await assertRejects(() => decryptSecret(key, 8, a), "could not be decrypted");
  const other = await deriveDataKey("z".repeat(40));
  const err = await assertRejects(() => decryptSecret(other, 7, a), "wrong SLUICE_SECRET_KEY");
  assert(!err.message.includes(a.split(":")[2]), "error does not echo ciphertext");
  const tampered = a.slice(0, -4) + (a.endsWith("AAAA") ? "BBBB" : "AAAA");
  await assertRejects(() => decryptSecret(key, 7, tampered));
});

Deno.test("secrets: generated secrets are long and distinct", () => {
  const s = new Set(Array.from({ length: 50 }, () => randomSecret()));
  assertEquals(s.size, 50);
  for (const v of s) assert(v.length >= 43 && /^[A-Za-z0-9_-]+$/.test(v));
});
