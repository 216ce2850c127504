// Shapes the jobs UI works with: the job card as GET /app/etl/jobs returns it (dates revived) and the details
// answer of GET /app/etl/jobs/:id/details. Declared here, not imported from db/, because islands ship to the browser
// and import nothing server-side; the server modules that produce them are type-checked against these.

export type Role = "admin" | "user" | "viewer";
export type StageName = "extract" | "transform" | "embed";
export const STAGES: StageName[] = ["extract", "transform", "embed"];

export interface StageProgress {
  step: string;
  stage: StageName;
  expected: number;
  done: number;
  records: number;
}

export interface JobCardData {
  id: number;
  name: string;
  jobType: string;
  active: boolean;
  status: string;
  steps: Array<{ key: string; name: string; order: number }>;
  stepStates: Record<string, Record<string, string>>;
  scheduleIntervalMinutes: number;
  retryIntervalMinutes: number;
  nextRunAt: Date | null;
  resumeAt: Date | null;
  lastRunStartedAt: Date | null;
  lastRunFinishedAt: Date | null;
  lastSuccessAt: Date | null;
  watermark: Date | null;
  retryCount: number;
  error: string | null;
  integration: { id: number; name: string; provider: string; active: boolean; logoFilename: string | null };
  currentRun: { id: number; status: string; startedAt: Date; stages: StageProgress[] } | null;
}

export interface LogoInfo {
  src: string;
  invertInDark: boolean;
}

export interface RunSummaryData {
  id: number;
  trigger: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  rowsWritten: number;
  requestsMade: number;
  records: number;
  error: string | null;
}

export interface Figure {
  key: string;
  label: string;
  value: number;
}

export interface JobDetailsData {
  job: JobCardData;
  integration: {
    id: number;
    name: string;
    provider: string;
    active: boolean;
    baseUrl: string | null;
    /** credentials are stored (never returned) */
    hasCredentials: boolean;
    /** what the integration is set to read, e.g. Jira projects or the GitHub organization */
    scope: Array<{ label: string; value: string }>;
  };
  /** provider-specific counts of loaded rows for this integration */
  figures: Figure[];
  /** set when the provider has nothing to show yet, with the reason */
  notConfigured: string | null;
  vectors: number;
  lastRun: RunSummaryData | null;
  runs: RunSummaryData[];
}
