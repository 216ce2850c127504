// Response bodies shared by several routes, as they travel on the wire (dates are ISO strings). They are the
// contract: tests validate every JSON response against them (server/api/contract.ts) and the OpenAPI document is
// built from them, so they describe exactly what the handlers send — every key, nothing more.
import { z } from "zod";

const count = z.number().int().min(0);
const rowId = z.number().int().positive();

/** A point in time, ISO 8601 with a UTC offset. */
export const timestamp = z.iso.datetime({ offset: true });

export const role = z.enum(["admin", "user", "viewer"]);

export const jobStatus = z.enum(["READY", "RUNNING", "FINISHED", "FAILED", "RATE_LIMITED"]);
export const runStatus = z.enum(["RUNNING", "FINISHED", "FAILED", "RATE_LIMITED", "FENCED"]);
const stage = z.enum(["extract", "transform", "embed"]);

export const stageProgress = z.object({ step: z.string(), stage, expected: count, done: count, records: count });

export const jobCard = z.object({
  id: rowId,
  name: z.string(),
  jobType: z.string(),
  active: z.boolean(),
  status: jobStatus,
  steps: z.array(z.object({ key: z.string(), name: z.string(), order: z.number().int() })),
  stepStates: z.record(z.string(), z.record(z.string(), z.string()))
    .meta({ description: "per step and stage: idle, running, finished or failed" }),
  scheduleIntervalMinutes: z.number().int().positive(),
  retryIntervalMinutes: z.number().int().positive(),
  nextRunAt: timestamp.nullable(),
  resumeAt: timestamp.nullable(),
  lastRunStartedAt: timestamp.nullable(),
  lastRunFinishedAt: timestamp.nullable(),
  lastSuccessAt: timestamp.nullable(),
  watermark: timestamp.nullable(),
  retryCount: count,
  error: z.string().nullable(),
  integration: z.object({
    id: rowId,
    name: z.string(),
    provider: z.string(),
    active: z.boolean(),
    logoFilename: z.string().nullable(),
  }),
  currentRun: z.object({ id: rowId, status: runStatus, startedAt: timestamp, stages: z.array(stageProgress) })
    .nullable(),
}).meta({ id: "JobCard" });

export const runSummary = z.object({
  id: rowId,
  trigger: z.string(),
  status: runStatus,
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
  durationMs: count.nullable(),
  rowsWritten: count,
  requestsMade: count,
  records: count,
  error: z.string().nullable(),
}).meta({ id: "RunSummary" });

export const integrationView = z.object({
  id: rowId,
  provider: z.string(),
  name: z.string(),
  type: z.string(),
  baseUrl: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()),
  logoFilename: z.string().nullable(),
  active: z.boolean(),
  hasCredentials: z.boolean().meta({ description: "credentials are stored (they are never returned)" }),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: "Integration" });

/** 202 answer of the routes that start a run through the engine. */
export const runStarted = z.object({ runId: rowId, status: z.literal("RUNNING") });

/** A session token as /auth/login and /auth/password return it. */
export const sessionToken = {
  token: z.string().meta({ description: "JWT; also set as the HttpOnly session cookie" }),
  tokenType: z.literal("Bearer"),
  expiresIn: z.number().int().positive().meta({ description: "seconds" }),
};
