// /app/etl/integrations — read for every role, credentials write-only and admin-only. Credentials are sealed
// with AES-GCM before they reach the database and no response ever carries them back.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError, idParam, parseJson } from "../../../server/http_errors.ts";
import { requireRole } from "../../../server/auth/middleware.ts";
import { getIntegration, listIntegrations, setIntegrationCredentials } from "../../../db/integrations.ts";
import { encryptSecret } from "../../../server/secrets.ts";

const credentialsSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("basic"), email: z.string().trim().email(), token: z.string().min(1) }),
  z.object({ kind: z.literal("bearer"), token: z.string().min(1) }),
]);

export function integrationRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => c.json(await listIntegrations(c.get("deps").db, c.get("auth").tenantId)));
  app.get("/:id", async (c) => {
    const row = await getIntegration(c.get("deps").db, c.get("auth").tenantId, idParam(c));
    if (!row) throw new ApiError(404, "not_found", "no such integration");
    return c.json(row);
  });
  app.put("/:id/credentials", requireRole("admin"), async (c) => {
    const id = idParam(c);
    const creds = await parseJson(c, credentialsSchema);
    const { db, keys } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const sealed = await encryptSecret(keys.data, tenantId, creds);
    if (!await setIntegrationCredentials(db, tenantId, id, sealed)) {
      throw new ApiError(404, "not_found", "no such integration");
    }
    return c.json(await getIntegration(db, tenantId, id));
  });
  return app;
}
