// There is no Docker engine on CI, so docker-compose.yml and the Dockerfile are validated structurally: every
// service, healthcheck, volume and wiring variable is checked, and Sluice's environment must pass its own config
// validation once compose's ${VAR:-default} substitutions are applied. The optional Prometheus (profile "metrics")
// must scrape Sluice's /metrics with the METRICS_TOKEN compose hands it as a secret.
import { parse } from "yaml";
import { assert, assertEquals, assertMatch } from "./support/assert.ts";
import { parseConfig } from "../server/config.ts";

type Service = {
  image?: string;
  profiles?: string[];
  secrets?: string[];
  build?: unknown;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
};
const compose = parse(await Deno.readTextFile(new URL("../docker-compose.yml", import.meta.url))) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { environment?: string }>;
};
/** The services `docker compose up` starts (those in a profile start only when it is asked for). */
const core = Object.fromEntries(Object.entries(compose.services).filter(([, s]) => !s.profiles));

/** Applies compose interpolation: ${X:-default} → env or default; ${X:?msg} → env (must be given). */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name, op, rest) => {
    if (env[name] !== undefined) return env[name];
    if (op === "-") return rest;
    throw new Error(`${name} is required: ${rest}`);
  });
}

Deno.test("compose: the four services exist with the right images", () => {
  const s = compose.services;
  assertEquals(Object.keys(core).sort(), ["postgres", "qdrant", "rabbitmq", "sluice"]);
  assertMatch(s.postgres.image!, /^pgvector\/pgvector:pg\d+/);
  assertMatch(s.rabbitmq.image!, /^rabbitmq:[\d.]+-management/);
  assertMatch(s.qdrant.image!, /^qdrant\/qdrant:v\d/);
  assertEquals(s.sluice.build, ".");
});

Deno.test("compose: every service has a healthcheck and Sluice waits for healthy dependencies", () => {
  for (const [name, svc] of Object.entries(compose.services)) {
    assert(svc.healthcheck?.test, `${name} has no healthcheck`);
  }
  assertEquals(compose.services.sluice.depends_on, {
    postgres: { condition: "service_healthy" },
    rabbitmq: { condition: "service_healthy" },
    qdrant: { condition: "service_healthy" },
  });
  assert(JSON.stringify(compose.services.sluice.healthcheck!.test).includes("/readyz"));
});

Deno.test("compose: data lives in declared named volumes; config files mounted from the repository exist", async () => {
  const sources = Object.values(compose.services).flatMap((s) => s.volumes ?? []).map((v) => v.split(":")[0]);
  const files = sources.filter((v) => v.startsWith("./"));
  assertEquals(sources.filter((v) => !v.startsWith("./")).sort(), Object.keys(compose.volumes).sort());
  for (const file of files) assert((await Deno.stat(new URL(`../${file}`, import.meta.url))).isFile, file);
});

Deno.test("compose: the optional Prometheus scrapes Sluice's /metrics with the METRICS_TOKEN secret", async () => {
  const prometheus = compose.services.prometheus;
  assertEquals(prometheus.profiles, ["metrics"]);
  assertMatch(prometheus.image!, /^prom\/prometheus:v\d+\.\d+\.\d+$/);
  assertEquals(prometheus.secrets, ["metrics_token"]);
  assertEquals(compose.secrets.metrics_token, { environment: "METRICS_TOKEN" });
  const mount = prometheus.volumes!.find((v) => v.endsWith(":/etc/prometheus/prometheus.yml:ro"))!;
  const config = parse(await Deno.readTextFile(new URL(`../${mount.split(":")[0]}`, import.meta.url))) as {
    scrape_configs: Array<{
      metrics_path: string;
      authorization: { type: string; credentials_file: string };
      static_configs: Array<{ targets: string[] }>;
    }>;
  };
  const [job] = config.scrape_configs;
  assertEquals(job.metrics_path, "/metrics");
  assertEquals(job.authorization, { type: "Bearer", credentials_file: "/run/secrets/metrics_token" });
  const env = compose.services.sluice.environment!;
  const port = interpolate(env.PORT, {});
  assertEquals(job.static_configs[0].targets, [`sluice:${port}`]);
  // the token Prometheus reads is the one Sluice checks; with it set, Sluice's configuration is valid
  assertEquals(env.METRICS_TOKEN, "${METRICS_TOKEN:-}");
  const token = "t".repeat(32);
  const resolved = Object.fromEntries(
    Object.entries(env).map((
      [k, v],
    ) => [k, interpolate(v, { JWT_SECRET: "j".repeat(40), SLUICE_SECRET_KEY: "k".repeat(40), METRICS_TOKEN: token })]),
  );
  assertEquals(parseConfig(resolved).METRICS_TOKEN, token);
});

Deno.test("compose: Sluice's environment is wired to the services and passes config validation", () => {
  const env = compose.services.sluice.environment!;
  const resolved = Object.fromEntries(
    Object.entries(env).map((
      [k, v],
    ) => [k, interpolate(v, { JWT_SECRET: "j".repeat(40), SLUICE_SECRET_KEY: "k".repeat(40) })]),
  );
  const config = parseConfig(resolved);
  assertEquals(new URL(config.DATABASE_URL!).hostname, "postgres");
  assertEquals(new URL(config.AMQP_URL!).hostname, "rabbitmq");
  assertEquals(new URL(config.QDRANT_URL!).hostname, "qdrant");
  assertEquals(resolved.QDRANT_API_KEY, interpolate(compose.services.qdrant.environment!.QDRANT__SERVICE__API_KEY, {}));
  const pg = compose.services.postgres.environment!;
  const dbUrl = new URL(config.DATABASE_URL!);
  assertEquals(dbUrl.username, pg.POSTGRES_USER);
  assertEquals(dbUrl.pathname, `/${pg.POSTGRES_DB}`);
  assertEquals(decodeURIComponent(dbUrl.password), interpolate(pg.POSTGRES_PASSWORD, {}));
  // secrets are not baked into the file: without them compose refuses to start
  let refused = false;
  try {
    interpolate(env.JWT_SECRET, {});
  } catch {
    refused = true;
  }
  assert(refused, "JWT_SECRET must be required from .env");
  assertEquals(compose.services.sluice.ports, [`${config.PORT}:${config.PORT}`]);
});

Deno.test("Dockerfile: pinned Deno image, assets built, unprivileged, serves main.ts", async () => {
  const text = await Deno.readTextFile(new URL("../Dockerfile", import.meta.url));
  const deno = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assertMatch(text, /^FROM denoland\/deno:\d+\.\d+\.\d+$/m);
  assertMatch(text, /deno task build/);
  assert(deno.tasks.build, "the build task the Dockerfile runs exists");
  assertMatch(text, /^USER deno$/m);
  assertMatch(text, /^CMD \["deno", "run", "-A", ("--v8-flags=[^"]+", )?"main.ts", "serve"\]$/m);
});
