// What the API knows about each integration provider: how its settings and credentials are validated, what it
// needs before it may be activated, and how a connection is tested with one cheap call.
import type { z } from "zod";
import type { FieldError } from "../http_errors.ts";
import type { FailureKind } from "./explain.ts";
import type { SourceAddressGuard } from "../../engine/http/address_guard.ts";

export interface ConnectionInput {
  baseUrl: string | null;
  settings: Record<string, unknown>;
  credentials: unknown;
  /** The instance's policy for source addresses (a test must not reach what a sync may not). */
  addressGuard: SourceAddressGuard;
}

/** A test never throws for source failures: `ok: false` with the exact failure instead. */
export interface ConnectionResult {
  ok: boolean;
  /** What went wrong, in words an operator can act on (explain.ts). */
  error?: string;
  /** The kind of failure (credentials, permission, DNS, TLS, timeout, wrong product, …). */
  kind?: FailureKind;
  /** The underlying error text, free of secrets. */
  detail?: string;
  /** Who the credentials belong to, as the source reports it. */
  user?: Record<string, unknown>;
  permissions?: Record<string, boolean>;
  details?: Record<string, unknown>;
}

/** How the Integrations page presents a provider. */
export interface ProviderDisplay {
  title: string;
  /** File in static/logos. */
  logo: string;
  /** One line under the provider's name in the picker. */
  description: string;
  /** Label, help and example of the base URL field. */
  baseUrl: { title: string; description: string; placeholder?: string; default?: string };
}

export interface ProviderSpec {
  display?: ProviderDisplay;
  settings: z.ZodType<Record<string, unknown>>;
  credentials: z.ZodType<unknown>;
  /** Problems that forbid activation (missing base URL, credentials, scope), as field errors. */
  activationProblems(
    input: { baseUrl: string | null; settings: Record<string, unknown>; hasCredentials: boolean },
  ): FieldError[];
  /** Field errors that involve settings and credentials together (e.g. auth kind vs credential kind). */
  crossCheck?(settings: Record<string, unknown>, credentials: unknown): FieldError[];
  testConnection?(input: ConnectionInput, signal?: AbortSignal): Promise<ConnectionResult>;
}

/** Options for the one-off HTTP calls of a connection test: fail fast, no long waits behind rate limits. */
export const TEST_HTTP = {
  pacer: false as const,
  maxAttempts: 2,
  timeoutMs: 10_000,
  maxWaitMs: 5_000,
  backoffBaseMs: 200,
};
