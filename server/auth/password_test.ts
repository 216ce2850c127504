import { assert, assertEquals } from "../../tests/support/assert.ts";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "./password.ts";

Deno.test("password: default KDF is PBKDF2-SHA256 with at least 600k iterations", async () => {
  assert(PBKDF2_ITERATIONS >= 600_000);
  const h = await hashPassword("s3cret-passphrase");
  assertEquals(h.split("$")[0], "pbkdf2-sha256");
  assertEquals(Number(h.split("$")[1]), PBKDF2_ITERATIONS);
  assert(await verifyPassword("s3cret-passphrase", h));
  assert(!await verifyPassword("s3cret-passphrasE", h));
});

Deno.test("password: salts differ; malformed hashes never verify", async () => {
  const a = await hashPassword("x", 1000);
  const b = await hashPassword("x", 1000);
  assert(a !== b);
  assert(await verifyPassword("x", a));
  for (const bad of ["", "plain", "md5$1$a$b", "pbkdf2-sha256$1000$$"]) assert(!await verifyPassword("x", bad));
});
