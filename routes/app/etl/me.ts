// The caller's own profile: who they are (from the token) and their theme preference.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../server/context.ts";
import { parseJson } from "../../../server/http_errors.ts";

export function meRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => {
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
  app.put("/theme", async (c) => {
    const { theme } = await parseJson(c, z.object({ theme: z.enum(["light", "dark", "system"]) }));
    await c.get("deps").db.query("UPDATE users SET theme = $2, updated_at = now() WHERE id = $1", [
      c.get("auth").userId,
      theme,
    ]);
    return c.json({ theme });
  });
  return app;
}
