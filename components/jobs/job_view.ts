// Pure view logic of a job card: status shown (including why a job is blocked), whether Run Now is allowed (and why
// not), step/stage progress rows in records where the source gave an estimate, and reviving dates in cards that
// arrive as JSON. Shared by the server render and the JobCard island.
import { type JobCardData, type Role, type StageName, STAGES } from "./types.ts";
import { providerTitle } from "./providers.ts";

export type DisplayStatus = "inactive" | "blocked" | "ready" | "running" | "finished" | "failed" | "rate_limited";

/** Why an active job cannot run at all right now (not merely busy), or null. */
export function blockedReason(card: JobCardData): string | null {
  if (!card.active) return null;
  if (card.hasConnector === false) return `no connector for ${providerTitle(card.integration.provider)} yet`;
  if (!card.integration.active) return "integration off";
  return null;
}

export function displayStatus(card: JobCardData): DisplayStatus {
  if (!card.active) return "inactive";
  switch (card.status) {
    case "RUNNING":
      return "running";
    case "RATE_LIMITED":
      return "rate_limited";
  }
  if (blockedReason(card)) return "blocked";
  switch (card.status) {
    case "FINISHED":
      return "finished";
    case "FAILED":
      return "failed";
    default:
      return "ready";
  }
}

export const STATUS_LABEL: Record<DisplayStatus, string> = {
  inactive: "Inactive",
  blocked: "Blocked",
  ready: "Ready",
  running: "Running",
  finished: "Finished",
  failed: "Failed",
  rate_limited: "Rate limited",
};

/** The badge text: "Blocked: integration off", "Blocked: no connector for GitHub yet", or the status label. */
export function statusText(card: JobCardData): string {
  const status = displayStatus(card);
  return status === "blocked" ? `Blocked: ${blockedReason(card)}` : STATUS_LABEL[status];
}

/** Run Now is offered for an active job that is not running; the reason explains a disabled button. */
export function runAvailability(card: JobCardData): { allowed: boolean; reason: string } {
  if (!card.active) return { allowed: false, reason: "The job is off: turn it on first" };
  if (card.status === "RUNNING") return { allowed: false, reason: "Already running" };
  if (card.hasConnector === false) {
    return { allowed: false, reason: `No connector for ${providerTitle(card.integration.provider)} yet` };
  }
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
  /** Extract: the source's estimate of the step's records, when it gave one. */
  expectedRecords: number | null;
  /** 0..100 (never 100 while the step runs), or null when nothing is known yet */
  percent: number | null;
}

export interface StepRow {
  key: string;
  name: string;
  cells: StageCell[];
  /** The step's work in this run is complete. */
  finished: boolean;
  /** The run finished and this step found nothing new. */
  noChanges: boolean;
}

type Progress = NonNullable<JobCardData["currentRun"]>["stages"][number];

/** Whether anything happened in a step (steps run in order, so activity in a later one ends the earlier ones). */
function active(stages: Array<Progress | undefined>): boolean {
  return stages.some((p) => p && (p.expected > 0 || p.done > 0 || p.records > 0));
}

/** One row per step (in order) with the extract/transform/embed cells of the current (or last) run. */
export function stepRows(card: JobCardData): StepRow[] {
  const progress = new Map((card.currentRun?.stages ?? []).map((s) => [`${s.step}/${s.stage}`, s]));
  const steps = [...card.steps].sort((a, b) => a.order - b.order);
  const at = (step: string) => STAGES.map((stage) => progress.get(`${step}/${stage}`));
  const runStatus = card.currentRun?.status ?? card.status;
  const runDone = runStatus === "FINISHED";
  const live = card.status === "RUNNING" || card.status === "RATE_LIMITED";
  const lastActive = steps.reduce((last, s, i) => (active(at(s.key)) ? i : last), -1);
  return steps.map((step, i) => {
    const saved = card.stepStates[step.key] ?? {};
    const finished = runDone || STAGES.every((st) => saved[st] === "finished") || (live && i < lastActive);
    const cells = STAGES.map((stage) => {
      const p = progress.get(`${step.key}/${stage}`);
      const done = p?.done ?? 0;
      const expected = p?.expected ?? 0;
      const records = p?.records ?? 0;
      const expectedRecords = stage === "extract" && p?.expectedRecords != null ? Number(p.expectedRecords) : null;
      let percent: number | null = null;
      if (stage === "extract" && expectedRecords !== null && expectedRecords > 0) percent = records / expectedRecords;
      else if (expected > 0) percent = done / expected;
      else if (finished && stage === "extract" && expectedRecords === 0) percent = 1;
      if (percent !== null) percent = Math.min(finished ? 100 : 99, Math.floor(percent * 100));
      if (finished && percent !== null && done >= expected) percent = 100;
      return {
        stage,
        state: stageState(saved[stage], { finished, live, done, expected, current: i === Math.max(lastActive, 0) }),
        done,
        expected,
        records,
        expectedRecords,
        percent,
      };
    });
    const extract = progress.get(`${step.key}/extract`);
    return {
      key: step.key,
      name: step.name,
      cells,
      finished,
      noChanges: runDone && (extract?.records ?? 0) === 0,
    };
  });
}

function stageState(
  saved: string | undefined,
  s: { finished: boolean; live: boolean; done: number; expected: number; current: boolean },
): StageCell["state"] {
  if (saved === "failed") return "failed";
  if (s.finished) return "finished";
  if (s.live && (saved === "running" || s.current || s.expected > s.done)) return "running";
  return "idle";
}

/**
 * Totals over the current run for records/s and ETA: records extracted so far, and the records still expected in
 * unfinished steps whose source gave an estimate (null when no running step has one: then there is no ETA).
 */
export function runTotals(card: JobCardData): { records: number; remaining: number | null } {
  const rows = stepRows(card);
  let remaining: number | null = null;
  let records = 0;
  for (const row of rows) {
    const extract = row.cells[0];
    records += extract.records;
    if (!row.finished && extract.expectedRecords !== null) {
      remaining = (remaining ?? 0) + Math.max(0, extract.expectedRecords - extract.records);
    }
  }
  return { records, remaining };
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
