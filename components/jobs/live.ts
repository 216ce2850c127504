// THE SEAM FOR LIVE UPDATES. The home page gives every job card its own signal and collects them in one map:
//
//     jobs: JobSignals = { [jobId]: Signal<JobCardData> }
//
// Each JobCard island renders from its signal only. One page-level socket island, rendered once on the home page
// with the SAME map as its prop (`<JobsLive jobs={jobs} />` — the islands runtime keeps a signal given to several
// islands as one signal in the browser), only has to call `applyLiveFrame(jobs, JSON.parse(message.data))` for each
// frame from /app/etl/ws: the matching card re-renders, and its records/s and ETA are computed from the successive
// updates. Frames follow server/live/hub.ts: {type:"snapshot", jobs:[cards]} | {type:"progress", event}.
import type { Signal } from "@preact/signals";
import type { JobCardData, StageName, StageProgress } from "./types.ts";
import { reviveCard } from "./job_view.ts";

export type JobSignals = Record<string, Signal<JobCardData>>;

/** One job's change: any of these may be present; dates may be ISO strings. */
export interface LiveJobEvent {
  jobId: number;
  runId?: number | null;
  status?: string;
  stages?: Array<
    { step: string; stage: string; expected: number; done: number; records: number; expectedRecords?: number }
  >;
  error?: string | null;
  resumeAt?: string | null;
  nextRunAt?: string | null;
  at?: string;
}

export type LiveFrame = { type: "snapshot"; jobs: unknown[] } | { type: "progress"; event: LiveJobEvent };

/** Applies one socket frame; returns how many cards changed. Unknown jobs and frame types are ignored. */
export function applyLiveFrame(jobs: JobSignals, frame: LiveFrame): number {
  if (frame.type === "snapshot") {
    let n = 0;
    for (const raw of frame.jobs) {
      const card = reviveCard(raw);
      const target = jobs[String(card.id)];
      if (target) {
        target.value = card;
        n++;
      }
    }
    return n;
  }
  if (frame.type === "progress") return applyJobEvent(jobs, frame.event) ? 1 : 0;
  return 0;
}

export function applyJobEvent(jobs: JobSignals, event: LiveJobEvent): boolean {
  const target = jobs[String(event.jobId)];
  if (!target) return false;
  const card = target.value;
  const next: JobCardData = { ...card };
  if (event.status) next.status = event.status;
  if (event.runId && event.runId !== card.currentRun?.id) {
    // a new run: its counters start empty
    next.currentRun = {
      id: event.runId,
      status: event.status ?? "RUNNING",
      startedAt: event.at ? new Date(event.at) : new Date(),
      stages: [],
    };
    if (event.status === "RUNNING") next.lastRunStartedAt = next.currentRun.startedAt;
  } else if (next.currentRun && event.status) {
    next.currentRun = { ...next.currentRun, status: event.status };
  }
  if (event.stages && next.currentRun) {
    next.currentRun = { ...next.currentRun, stages: mergeStages(next.currentRun.stages, event.stages) };
  }
  if ("error" in event) next.error = event.error ?? null;
  if ("resumeAt" in event) next.resumeAt = toDate(event.resumeAt);
  if ("nextRunAt" in event) next.nextRunAt = toDate(event.nextRunAt);
  target.value = next;
  return true;
}

function toDate(v: string | null | undefined): Date | null {
  if (!v) return null;
  const d = new Date(v);
  return isNaN(d.getTime()) ? null : d;
}

/** Replaces the counters of the stages in the event and keeps the others (frames carry only what changed). */
function mergeStages(current: StageProgress[], changed: NonNullable<LiveJobEvent["stages"]>): StageProgress[] {
  const byKey = new Map(current.map((s) => [`${s.step}/${s.stage}`, s]));
  for (const s of changed) byKey.set(`${s.step}/${s.stage}`, { ...s, stage: s.stage as StageName });
  return [...byKey.values()];
}
