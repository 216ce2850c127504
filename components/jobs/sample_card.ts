// A complete job card for unit tests (no database needed).
import type { JobCardData } from "./types.ts";

export function sampleCard(over: Partial<JobCardData> = {}): JobCardData {
  return {
    id: 7,
    name: "Jira",
    jobType: "jira",
    active: true,
    status: "READY",
    steps: [
      { key: "b", name: "Second", order: 2 },
      { key: "a", name: "First", order: 1 },
    ],
    stepStates: { a: { extract: "idle", transform: "idle", embed: "idle" }, b: {} },
    scheduleIntervalMinutes: 60,
    retryIntervalMinutes: 15,
    nextRunAt: null,
    resumeAt: null,
    lastRunStartedAt: null,
    lastRunFinishedAt: null,
    lastSuccessAt: null,
    watermark: null,
    retryCount: 0,
    error: null,
    integration: { id: 3, name: "Jira", provider: "jira", active: true, logoFilename: "jira.svg" },
    currentRun: null,
    hasConnector: true,
    ...over,
  };
}
