import { startTestApp } from "../tests/support/app.ts";
Deno.test("repro", async () => {
  const app = await startTestApp("pglite");
  const t = await app.tenant("A");
  const token = await app.login((await app.user(t, "admin")).email);
  const h = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const show = async (label: string, p: Promise<Response>) => { const r = await p; console.log(label, r.status, (await r.text()).slice(0, 150)); };
  await show("deep-unclosed theme", fetch(app.url + "/app/etl/me/theme", { method: "PUT", headers: h, body: "[".repeat(7000) }));
  await show("deep-closed theme", fetch(app.url + "/app/etl/me/theme", { method: "PUT", headers: h, body: "[".repeat(7000) + "]".repeat(7000) }));
  await show("deep-closed password", fetch(app.url + "/auth/password", { method: "POST", headers: h, body: "[".repeat(7000) + "]".repeat(7000) }));
  await show("deep-unclosed password", fetch(app.url + "/auth/password", { method: "POST", headers: h, body: "[".repeat(7000) }));
  await show("deep login", fetch(app.url + "/auth/login", { method: "POST", headers: h, body: "[".repeat(7000) }));
  await show("600k theme", fetch(app.url + "/app/etl/me/theme", { method: "PUT", headers: h, body: JSON.stringify({ theme: "x".repeat(600_000) }) }));
  await show("600k theme2", fetch(app.url + "/app/etl/me/theme", { method: "PUT", headers: h, body: JSON.stringify({ theme: "dark", pad: "x".repeat(600_000) }) }));
  await show("unmapped big", fetch(app.url + "/app/etl/unmapped?integrationId=2147483648", { headers: h }));
  await show("cf big", fetch(app.url + "/app/etl/custom-fields?integrationId=2147483648", { headers: h }));
  await show("runs 1.5", fetch(app.url + "/app/etl/jobs/1/runs?limit=1.5", { headers: h }));
  await app.close();
});
