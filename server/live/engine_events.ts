// Translates engine events into the live frames job cards understand (status, per step+stage counters, rate,
// ETA, errors, times). Pure mapping, so it is tested on its own.
import type { EngineEvent } from "../../engine/events.ts";
import type { LiveEvent } from "./hub.ts";

export function toLiveEvent(e: EngineEvent): LiveEvent | null {
  const base = { tenantId: e.tenantId, jobId: e.jobId, runId: e.runId, at: e.at };
  switch (e.type) {
    case "run.started":
    case "run.resumed":
      return { ...base, status: "RUNNING", error: null, resumeAt: null };
    case "step.started":
      return { ...base, stages: [{ step: e.step, stage: "extract", expected: 0, done: 0, records: 0 }] };
    case "stage.progress":
      return {
        ...base,
        stages: [{
          step: e.step,
          stage: e.stage,
          expected: e.expected,
          done: e.done,
          records: e.records,
          ...(e.expectedRecords !== undefined ? { expectedRecords: e.expectedRecords } : {}),
        }],
        recordsPerSecond: e.recordsPerSecond,
        etaSeconds: e.etaSeconds,
      };
    case "stage.error":
      return { ...base, error: e.willRetry ? null : e.error };
    case "run.rate_limited":
      return { ...base, status: "RATE_LIMITED", resumeAt: e.resumeAt, nextRunAt: e.resumeAt };
    case "run.finished":
      return { ...base, status: "FINISHED", nextRunAt: e.nextRunAt, etaSeconds: 0, error: null };
    case "run.failed":
      return { ...base, status: "FAILED", error: e.error, nextRunAt: e.nextRunAt };
    case "run.fenced":
      return { ...base, status: "READY" };
    default:
      return null;
  }
}
