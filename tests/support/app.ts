// A real Sluice HTTP server on 127.0.0.1 (ephemeral port) over a fresh test database, with helpers to create
// tenants and users and to sign in. Used by API and browser tests. Every response of a declared route is checked
// against its declared contract (server/api/contract.ts): a violation turns the response into a 500 naming it and
// fails the test at close(), so every API test is also a contract test.
import type { Db } from "../../db/port.ts";
import { createTenant } from "../../db/seed.ts";
import { createUser } from "../../server/auth/users.ts";
import { parseConfig } from "../../server/config.ts";
import type { AppDeps } from "../../server/context.ts";
import { createApp } from "../../server/app.ts";
import type { ContractViolation } from "../../server/api/contract.ts";
import { closeMetrics } from "../../server/metrics/metrics.ts";
import { deriveKeys } from "../../server/bootstrap.ts";
import type { Role } from "../../server/auth/jwt.ts";
import { type AdapterKind, createTestDb, type TestDb } from "./db.ts";

export const TEST_PASSWORD = "correct horse battery staple";
// test accounts use a cheap KDF cost so suites stay fast; the production default is checked in password_test.ts
const TEST_ITERATIONS = 1_000;

export interface TestApp {
  url: string;
  db: Db;
  deps: AppDeps;
  testDb: TestDb;
  /** Responses that broke their route's declared contract so far. */
  violations: ContractViolation[];
  tenant(name: string): Promise<number>;
  user(tenantId: number, role: Role, email?: string): Promise<{ id: number; email: string }>;
  /** Signs in through POST /auth/login and returns the Bearer token. */
  login(email: string, password?: string): Promise<string>;
  /** fetch against the server with an optional Bearer token and JSON body. */
  api(
    path: string,
    init?: { method?: string; token?: string; body?: unknown; headers?: HeadersInit },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestApp(
  kind: AdapterKind,
  options: { env?: Record<string, string>; extend?: (deps: AppDeps) => void | Promise<void> } = {},
): Promise<TestApp> {
  const testDb = await createTestDb(kind);
  const config = parseConfig({
    JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789",
    SLUICE_SECRET_KEY: "test-data-key-0123456789abcdef0123456789",
    LOG_LEVEL: "error",
    // the fake sources of the tests listen on loopback, which a new install refuses (engine/http/address_guard.ts)
    SLUICE_ALLOW_PRIVATE_SOURCES: "true",
    ...options.env,
  });
  const keys = await deriveKeys({ JWT_SECRET: config.JWT_SECRET!, SLUICE_SECRET_KEY: config.SLUICE_SECRET_KEY! });
  const deps: AppDeps = { config, db: testDb.db, keys, readiness: [], services: {} };
  await options.extend?.(deps);
  const violations: ContractViolation[] = [];
  const app = createApp(deps, {
    onContractViolation: (v) => {
      violations.push(v);
      console.error(`contract violation: ${v.method} ${v.url} (${v.route}) → ${v.status}: ${v.problem}`);
    },
  });
  const ready = Promise.withResolvers<number>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => ready.resolve(port) },
    app.fetch,
  );
  const url = `http://127.0.0.1:${await ready.promise}`;
  let counter = 0;
  const api: TestApp["api"] = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    if (init.body !== undefined) headers.set("content-type", "application/json");
    return fetch(url + path, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  };
  return {
    url,
    db: testDb.db,
    deps,
    testDb,
    violations,
    tenant: (name) => createTenant(testDb.db, name),
    async user(tenantId, role, email) {
      const address = email ?? `${role}${++counter}@t${tenantId}.test`;
      const id = await createUser(testDb.db, {
        tenantId,
        email: address,
        role,
        password: TEST_PASSWORD,
        iterations: TEST_ITERATIONS,
      });
      return { id, email: address };
    },
    async login(email, password = TEST_PASSWORD) {
      const res = await api("/auth/login", { body: { email, password } });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(body)}`);
      return body.token as string;
    },
    api,
    async close() {
      await server.shutdown();
      closeMetrics(deps);
      await testDb.close();
      if (violations.length) {
        throw new Error(
          `${violations.length} response(s) broke the API contract:\n` +
            violations.map((v) => `  ${v.route} ${v.status}: ${v.problem}`).join("\n"),
        );
      }
    },
  };
}
