// The /app/etl API. Every route below requires a verified token; each module applies its own role rules.
import { Hono } from "hono";
import type { AppEnv } from "../../../server/context.ts";
import { requireAuth } from "../../../server/auth/middleware.ts";
import { meRoutes } from "./me.ts";
import { integrationRoutes } from "./integrations.ts";
import { customFieldRoutes } from "./custom_fields.ts";
import { unmappedRoutes } from "./unmapped.ts";
import { jobRoutes } from "./jobs.ts";
import { jobDetailsRoutes } from "./job_details.ts";
import { liveRoutes } from "./ws.ts";
import { queueRoutes } from "./queues.ts";
import { providerRoutes } from "./providers.ts";
import { integrationLogoRoutes, logoRoutes } from "./logos.ts";
import { fieldCatalogueRoutes } from "./field_catalogue.ts";
import { openApiRoutes } from "./openapi.ts";
import { qdrantRoutes } from "./qdrant.ts";
import { searchRoutes } from "./search.ts";
import { directoryRoutes } from "./directory.ts";

export function etlApiRoutes() {
  const api = new Hono<AppEnv>();
  api.use("*", requireAuth());
  api.route("/me", meRoutes());
  api.route("/integrations", integrationRoutes());
  api.route("/custom-fields", customFieldRoutes());
  api.route("/unmapped", unmappedRoutes());
  api.route("/jobs", jobRoutes());
  api.route("/jobs", jobDetailsRoutes());
  api.route("/ws", liveRoutes());
  api.route("/queues", queueRoutes());
  api.route("/providers", providerRoutes());
  api.route("/logos", logoRoutes());
  api.route("/integrations", integrationLogoRoutes());
  api.route("/integrations", fieldCatalogueRoutes());
  api.route("/openapi.json", openApiRoutes());
  api.route("/qdrant", qdrantRoutes());
  api.route("/search", searchRoutes());
  api.route("/directory", directoryRoutes());
  return api;
}
