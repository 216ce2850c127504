// The caller's own profile: who they are (from the token) and their theme preference.
import { z } from "zod";
import { apiRouter } from "../../../server/api/route.ts";
import { role } from "../../../server/api/shapes.ts";

const theme = z.enum(["light", "dark", "system"], { error: "must be light, dark or system" });

const me = z.object({
  id: z.number(),
  email: z.string(),
  role,
  tenantId: z.number(),
  tenant: z.string(),
  theme: z.string(),
});

export function meRoutes() {
  const r = apiRouter("/app/etl/me", "me");
  r.route({
    method: "get",
    path: "/",
    summary: "The signed-in user and their theme",
    responses: { 200: { description: "the caller", schema: me } },
  }, async (c) => {
    const auth = c.get("auth");
    const [row] = await c.get("deps").db.query<{ theme: string; tenant: string }>(
      "SELECT u.theme, t.name AS tenant FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1",
      [auth.userId],
    );
    return c.json({
      id: auth.userId,
      email: auth.email,
      role: auth.role,
      tenantId: auth.tenantId,
      tenant: row.tenant,
      theme: row.theme,
    });
  });
  r.route({
    method: "put",
    path: "/theme",
    summary: "Save the caller's theme",
    body: z.object({ theme }).strict(),
    bodyLimit: 1024,
    responses: { 200: { description: "saved", schema: z.object({ theme }) } },
  }, async (c, { body }) => {
    await c.get("deps").db.query("UPDATE users SET theme = $2, updated_at = now() WHERE id = $1", [
      c.get("auth").userId,
      body.theme,
    ]);
    return c.json({ theme: body.theme });
  });
  return r.app;
}
