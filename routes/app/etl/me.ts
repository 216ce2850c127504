// The caller's own profile: who they are (from the token) and their theme preference.
import { z } from "zod";
import { apiRouter } from "../../../server/api/route.ts";
import { commonErrors } from "../../../server/api/schemas.ts";

const theme = z.enum(["light", "dark", "system"]);

const me = z.object({
  id: z.number(),
  email: z.string(),
  role: z.enum(["admin", "user", "viewer"]),
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
    responses: { 200: { description: "the caller", schema: me }, 401: commonErrors[401] },
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
    responses: { 200: { description: "saved", schema: z.object({ theme }) }, 400: commonErrors[400] },
  }, async (c, { body }) => {
    await c.get("deps").db.query("UPDATE users SET theme = $2, updated_at = now() WHERE id = $1", [
      c.get("auth").userId,
      body.theme,
    ]);
    return c.json({ theme: body.theme });
  });
  return r.app;
}
