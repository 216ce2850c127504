// Shapes the jobs UI works with: the job card as GET /app/etl/jobs returns it (dates revived) and the details
// answer of GET /app/etl/jobs/:id/details.

export type Role = "admin" | "user" | "viewer";
export type StageName = "extract" | "transform" | "embed";
export const STAGES: StageName[] = ["extract", "transform", "embed"];

// The card and run shapes are the API's own (db/jobs.ts): type-only re-exports are erased from the browser bundle,
// so islands still import no server code while the two cannot drift apart.
import type { JobCard as JobCardData, RunSummary as RunSummaryData } from "../../db/jobs.ts";
export type { JobCardData, RunSummaryData };
export type { StageProgress } from "../../db/jobs.ts";

export interface LogoInfo {
  src: string;
  invertInDark: boolean;
}

export interface Figure {
  key: string;
  label: string;
  value: number;
}

/** The budget a source last reported for one resource (GitHub: core requests, graphql points). */
export interface RateBudget {
  resource: string;
  /** The server reports no limit (Enterprise Server with rate limiting off). */
  unlimited: boolean;
  limit: number | null;
  remaining: number | null;
  resetAt: string | null;
  lastCost: number | null;
  observedAt: string;
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
  /** rate budgets the source last reported (empty when it never said) */
  rateBudgets?: RateBudget[];
  /** Jira: boards whose sprint report answered 404 in the latest run */
  missingSprintReports?: Array<{ boardId: string; sprints: number }>;
}
