import { startTestApp } from "../tests/support/app.ts";
Deno.test("doc", async () => {
  const app = await startTestApp("pglite");
  const t = await app.tenant("A");
  const token = await app.login((await app.user(t, "admin")).email);
  const res = await app.api("/app/etl/openapi.json", { token });
  const text = await res.text();
  await Deno.writeTextFile(".scratch/openapi.json", text);
  console.log(res.status, text.length);
  await app.close();
});
