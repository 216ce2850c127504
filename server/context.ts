// What every request handler can reach: the parsed config, the database and the keys, plus the verified
// caller. Tenant and role are only ever taken from `auth`, which the auth middleware fills from the token.
import type { Config } from "./config.ts";
import type { Db } from "../db/port.ts";
import type { Role } from "./auth/jwt.ts";

export interface Keys {
  jwt: Uint8Array;
  data: CryptoKey;
}

/** Services the app is assembled from; engine parts are optional so the web tier can run without them. */
export interface AppDeps {
  config: Config;
  db: Db;
  keys: Keys;
  /** Extra readiness probes (e.g. the broker) added by the engine. */
  readiness?: Array<{ name: string; check: () => Promise<void> }>;
  /** Services registered by other parts (engine, hub); looked up by route modules. */
  services?: Record<string, unknown>;
}

export interface AuthUser {
  userId: number;
  tenantId: number;
  role: Role;
  email: string;
  /** "cookie" writes are CSRF-checked; "bearer" ones are not (a browser never attaches them on its own). */
  via: "cookie" | "bearer";
  issuedAtMs: number;
  expiresAtMs: number;
  /** First-start one-time password still in use: only the profile and POST /auth/password are allowed. */
  mustChangePassword: boolean;
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    auth: AuthUser;
  };
};
