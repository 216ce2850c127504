// Pure view logic of a job card: status shown, whether Run Now is allowed (and why not), step/stage progress rows,
// and reviving dates in cards that arrive as JSON. Shared by the server render and the JobCard island.
import { type JobCardData, type Role, type StageName, STAGES } from "./types.ts";

export type DisplayStatus = "inactive" | "ready" | "running" | "finished" | "failed" | "rate_limited";

export function displayStatus(card: JobCardData): DisplayStatus {
  if (!card.active) return "inactive";
  switch (card.status) {
    case "RUNNING":
      return "running";
    case "FINISHED":
      return "finished";
    case "FAILED":
      return "failed";
    case "RATE_LIMITED":
      return "rate_limited";
    default:
      return "ready";
  }
}

export const STATUS_LABEL: Record<DisplayStatus, string> = {
  inactive: "Inactive",
  ready: "Ready",
  running: "Running",
  finished: "Finished",
  failed: "Failed",
  rate_limited: "Rate limited",
};

/** Run Now is offered for an active job that is not running; the reason explains a disabled button. */
export function runAvailability(card: JobCardData): { allowed: boolean; reason: string } {
  if (!card.active) return { allowed: false, reason: "The job is off: turn it on first" };
  if (card.status === "RUNNING") return { allowed: false, reason: "Already running" };
  if (!card.integration.active) {
    return { allowed: false, reason: `The ${card.integration.name} integration is inactive` };
  }
  return { allowed: true, reason: "Start a run now" };
}

export interface RoleActions {
  run: boolean;
  configure: boolean;
}

/** viewers only look; users can run; admins can also configure (toggle, settings). */
export function actionsFor(role: Role): RoleActions {
  return { run: role === "admin" || role === "user", configure: role === "admin" };
}

export interface StageCell {
  stage: StageName;
  state: "idle" | "running" | "finished" | "failed";
  done: number;
  expected: number;
  records: number;
  /** 0..100, or null when nothing is expected yet */
  percent: number | null;
}

export interface StepRow {
  key: string;
  name: string;
  cells: StageCell[];
}

/** One row per step (in order) with the extract/transform/embed cells of the current run. */
export function stepRows(card: JobCardData): StepRow[] {
  const progress = new Map((card.currentRun?.stages ?? []).map((s) => [`${s.step}/${s.stage}`, s]));
  return [...card.steps].sort((a, b) => a.order - b.order).map((step) => ({
    key: step.key,
    name: step.name,
    cells: STAGES.map((stage) => {
      const p = progress.get(`${step.key}/${stage}`);
      const done = p?.done ?? 0;
      const expected = p?.expected ?? 0;
      return {
        stage,
        state: stageState(card.stepStates[step.key]?.[stage], done, expected, card.status),
        done,
        expected,
        records: p?.records ?? 0,
        percent: expected > 0 ? Math.min(100, Math.round((done / expected) * 100)) : null,
      };
    }),
  }));
}

function stageState(saved: string | undefined, done: number, expected: number, status: string): StageCell["state"] {
  if (saved === "failed") return "failed";
  if (saved === "finished" || (expected > 0 && done >= expected && status !== "RUNNING")) return "finished";
  if (saved === "running" || (expected > done && status === "RUNNING")) return "running";
  if (expected > 0 && done >= expected) return "finished";
  return "idle";
}

/** Totals over the current run: records loaded (transform stage) and batches done/expected (ETA input). */
export function runTotals(card: JobCardData): { records: number; done: number; expected: number } {
  const stages = card.currentRun?.stages ?? [];
  return {
    records: stages.filter((s) => s.stage === "transform").reduce((n, s) => n + s.records, 0),
    done: stages.reduce((n, s) => n + s.done, 0),
    expected: stages.reduce((n, s) => n + s.expected, 0),
  };
}

const DATE_FIELDS = [
  "nextRunAt",
  "resumeAt",
  "lastRunStartedAt",
  "lastRunFinishedAt",
  "lastSuccessAt",
  "watermark",
] as const;

function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return isNaN(d.getTime()) ? null : d;
}

/** A card from JSON (dates as strings) with its dates as Date objects. */
export function reviveCard(raw: unknown): JobCardData {
  const card = { ...(raw as JobCardData) };
  for (const f of DATE_FIELDS) card[f] = toDate(card[f]);
  if (card.currentRun) card.currentRun = { ...card.currentRun, startedAt: toDate(card.currentRun.startedAt)! };
  return card;
}
