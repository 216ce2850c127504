// Integration logos: GET /app/etl/logos (the bundled ones to pick from and the tenant's uploads), GET
// /app/etl/logos/:id (an uploaded logo's bytes, with its own content type and a CSP that forbids any script, so even
// an SVG opened on its own cannot run code), and for admins POST/DELETE /app/etl/integrations/:id/logo (upload an
// SVG or PNG as base64 JSON and use it; go back to the bundled logo).
import { z } from "zod";
import type { Context } from "hono";
import type { AppEnv } from "../../../server/context.ts";
import { apiRouter } from "../../../server/api/route.ts";
import { commonErrors, idParams } from "../../../server/api/schemas.ts";
import { ApiError } from "../../../server/http_errors.ts";
import {
  bundledLogos,
  LogoRejected,
  MAX_PNG_BYTES,
  readLogo,
  storeLogo,
  uploadedLogoUrl,
} from "../../../server/logos/store.ts";
import { MAX_SVG_BYTES } from "../../../server/logos/svg_sanitize.ts";
import { integrationLogo } from "../../pages/logo_luminance.ts";

const logoInfo = z.object({ src: z.string(), invertInDark: z.boolean() });

const listBody = z.object({
  bundled: z.array(logoInfo.extend({ file: z.string() })),
  uploaded: z.array(z.object({ id: z.number(), filename: z.string(), src: z.string() })),
});

const MAX_BASE64 = Math.ceil(Math.max(MAX_SVG_BYTES, MAX_PNG_BYTES) / 3) * 4;

const uploadBody = z.object({
  filename: z.string({ error: "required" }).trim().min(1, "required").max(200, "at most 200 characters")
    .regex(/\.(svg|png)$/i, "must be an .svg or .png file"),
  contentType: z.enum(["image/svg+xml", "image/png"], { error: "must be image/svg+xml or image/png" }),
  data: z.string({ error: "required" }).min(1, "required").max(MAX_BASE64, "the file is too large")
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64"),
}).strict();

export function logoRoutes() {
  const r = apiRouter("/app/etl/logos", "integrations");
  r.route({
    method: "get",
    path: "/",
    summary: "Logos an integration can use: the bundled ones and the tenant's uploads",
    responses: { 200: { description: "the logos", schema: listBody }, 401: commonErrors[401] },
  }, async (c) => {
    const bundled = await Promise.all((await bundledLogos()).map(async (file) => ({
      file,
      ...await integrationLogo(file),
    })));
    const uploaded = await c.get("deps").db.query<{ id: number; filename: string }>(
      "SELECT id, filename FROM integration_logos WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50",
      [c.get("auth").tenantId],
    );
    return c.json({
      bundled,
      uploaded: uploaded.map((u) => ({ id: Number(u.id), filename: u.filename, src: uploadedLogoUrl(Number(u.id)) })),
    });
  });
  r.route({
    method: "get",
    path: "/:id",
    summary: "An uploaded logo (SVG sanitized on upload, or PNG)",
    params: idParams,
    responses: { 200: { description: "the image" }, 404: commonErrors[404] },
  }, async (c, { params }) => {
    const logo = await readLogo(c.get("deps").db, c.get("auth").tenantId, params.id);
    if (!logo) throw new ApiError(404, "not_found", "no such logo");
    const ext = logo.content_type === "image/png" ? "png" : "svg";
    return c.body(new Uint8Array(logo.bytes), 200, {
      "Content-Type": logo.content_type,
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      "Content-Disposition": `inline; filename="logo-${params.id}.${ext}"`,
      "Cross-Origin-Resource-Policy": "same-origin",
    });
  });
  return r.app;
}

export function integrationLogoRoutes() {
  const r = apiRouter("/app/etl/integrations", "integrations");
  const integration = async (c: Context<AppEnv>, id: number) => {
    const [row] = await c.get("deps").db.query<{ id: number }>(
      "SELECT id FROM integrations WHERE tenant_id = $1 AND id = $2",
      [c.get("auth").tenantId, id],
    );
    if (!row) throw new ApiError(404, "not_found", "no such integration");
  };
  r.route({
    method: "post",
    path: "/:id/logo",
    summary: "Upload an SVG (sanitized) or PNG logo and use it for the integration",
    roles: ["admin"],
    params: idParams,
    body: uploadBody,
    responses: {
      201: { description: "stored and in use", schema: logoInfo.extend({ id: z.number() }) },
      ...commonErrors,
    },
  }, async (c, { params, body }) => {
    await integration(c, params.id);
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(body.data), (ch) => ch.charCodeAt(0));
    } catch {
      throw new ApiError(400, "validation_failed", "data: must be base64", [{
        field: "data",
        message: "must be base64",
      }]);
    }
    const { db } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    try {
      const stored = await storeLogo(db, tenantId, { filename: body.filename, contentType: body.contentType, bytes });
      await db.query("UPDATE integrations SET logo_id = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2", [
        tenantId,
        params.id,
        stored.id,
      ]);
      return c.json({ id: stored.id, src: uploadedLogoUrl(stored.id), invertInDark: stored.invertInDark }, 201);
    } catch (e) {
      if (e instanceof LogoRejected) {
        throw new ApiError(400, "validation_failed", `data: ${e.message}`, [{ field: "data", message: e.message }]);
      }
      throw e;
    }
  });
  r.route({
    method: "delete",
    path: "/:id/logo",
    summary: "Stop using the uploaded logo (the bundled logo shows again)",
    roles: ["admin"],
    params: idParams,
    responses: { 200: { description: "done", schema: z.object({ id: z.number() }) }, ...commonErrors },
  }, async (c, { params }) => {
    await integration(c, params.id);
    await c.get("deps").db.query(
      "UPDATE integrations SET logo_id = NULL, updated_at = now() WHERE tenant_id = $1 AND id = $2",
      [c.get("auth").tenantId, params.id],
    );
    return c.json({ id: params.id });
  });
  return r.app;
}
