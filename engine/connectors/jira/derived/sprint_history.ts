// Sprint membership of one issue, derived from its sprint field and its Sprint / story-point history (study §3.7,
// rule 14). History order is pinned oldest → newest (the reference mixed both orders, defect §11.1-8), so "last"
// always means "latest in time".
import type { JiraHistory } from "../client/types.ts";
import { historyTime } from "../load/history_time.ts";
import { isoTime, storyPoints } from "../load/values.ts";

export interface SprintRef {
  id: string;
  name: string | null;
  state: string | null;
  boardId: string | null;
  goal: string | null;
  startDate: string | null;
  endDate: string | null;
  completeDate: string | null;
}

export interface Membership {
  sprintId: string;
  addedAt: number | null;
  removedAt: number | null;
  estimateAtStart: number | null;
  carriedFrom: string | null;
  carriedTo: string | null;
}

const STORY_POINT_NAMES = new Set(["story points", "story point estimate"]);

// the same few sprints appear in thousands of issues: each date text is converted once (bounded, per process)
const isoCache = new Map<string, string | null>();

function iso(value: unknown): string | null {
  if (typeof value !== "string") return isoTime(value);
  let out = isoCache.get(value);
  if (out === undefined) {
    if (isoCache.size >= 10_000) isoCache.clear();
    out = isoTime(value);
    isoCache.set(value, out);
  }
  return out;
}

function text(value: unknown): string | null {
  return value === null || value === undefined || value === "" ? null : String(value);
}

/**
 * Sprint field values: Cloud returns objects; old Server versions return strings like
 * "com.atlassian.greenhopper.service.sprint.Sprint@1f[id=7,rapidViewId=8,state=CLOSED,name=S 7,startDate=…]".
 */
export function parseSprintField(value: unknown): SprintRef[] {
  if (!Array.isArray(value)) return [];
  const out: SprintRef[] = [];
  for (const v of value) {
    if (v && typeof v === "object") {
      const s = v as Record<string, unknown>;
      if (s.id === undefined || s.id === null) continue;
      out.push({
        id: String(s.id),
        name: text(s.name),
        state: text(s.state)?.toLowerCase() ?? null,
        boardId: text(s.boardId ?? s.originBoardId ?? s.rapidViewId),
        goal: text(s.goal),
        startDate: iso(s.startDate),
        endDate: iso(s.endDate),
        completeDate: iso(s.completeDate),
      });
    } else if (typeof v === "string") {
      const body = /\[(.*)\]$/.exec(v)?.[1];
      if (!body) continue;
      const attrs = Object.fromEntries(
        body.split(/,(?=\w+=)/).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
      );
      const none = (x: string | undefined) => (x === undefined || x === "<null>" || x === "" ? null : x);
      if (!none(attrs.id)) continue;
      out.push({
        id: attrs.id,
        name: none(attrs.name),
        state: none(attrs.state)?.toLowerCase() ?? null,
        boardId: none(attrs.rapidViewId),
        goal: none(attrs.goal),
        startDate: iso(none(attrs.startDate)),
        endDate: iso(none(attrs.endDate)),
        completeDate: iso(none(attrs.completeDate)),
      });
    }
  }
  return out;
}

function splitIds(value: string | null | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

interface SprintEvent {
  at: number;
  sprintId: string;
  kind: "added" | "removed";
  name: string | null;
}

function sprintEvents(histories: readonly JiraHistory[], sprintFieldId: string): SprintEvent[] {
  const events: SprintEvent[] = [];
  for (const h of histories) {
    const at = historyTime(h);
    if (!Number.isFinite(at)) continue;
    for (const item of h.items ?? []) {
      const isSprint = item.fieldId ? item.fieldId === sprintFieldId : item.field === "Sprint";
      if (!isSprint) continue;
      const from = splitIds(item.from);
      const to = splitIds(item.to);
      // names travel ", "-joined in the same order as the ids; only trust them when the counts agree
      const toNames = (item.toString ?? "").split(", ");
      const fromNames = (item.fromString ?? "").split(", ");
      to.forEach((id, i) => {
        if (!from.includes(id)) {
          events.push({ at, sprintId: id, kind: "added", name: toNames.length === to.length ? toNames[i] : null });
        }
      });
      from.forEach((id, i) => {
        if (!to.includes(id)) {
          events.push({
            at,
            sprintId: id,
            kind: "removed",
            name: fromNames.length === from.length ? fromNames[i] : null,
          });
        }
      });
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

interface PointsEvent {
  at: number;
  from: number | null;
  to: number | null;
}

function pointEvents(histories: readonly JiraHistory[], storyPointsFieldId: string | null): PointsEvent[] {
  const out: PointsEvent[] = [];
  for (const h of histories) {
    const at = historyTime(h);
    if (!Number.isFinite(at)) continue;
    for (const item of h.items ?? []) {
      const match = storyPointsFieldId && item.fieldId
        ? item.fieldId === storyPointsFieldId
        : STORY_POINT_NAMES.has(item.field.toLowerCase());
      if (match) out.push({ at, from: storyPoints(item.fromString), to: storyPoints(item.toString) });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Story points in force at `at`: the latest change before it, else the value before the first change after it. */
function pointsAt(events: PointsEvent[], at: number, current: number | null): number | null {
  let before: PointsEvent | undefined;
  for (const e of events) if (e.at <= at) before = e;
  if (before) return before.to;
  const after = events.find((e) => e.at > at);
  return after ? after.from : current;
}

export interface MembershipInput {
  current: SprintRef[];
  histories: readonly JiraHistory[];
  sprintFieldId: string;
  storyPointsFieldId: string | null;
  currentPoints: number | null;
  createdAt: number | null;
}

/** Every sprint the issue is or was in, plus sprints known only by id/name from history. */
export function sprintMemberships(input: MembershipInput): { memberships: Membership[]; historyOnly: SprintRef[] } {
  const events = sprintEvents(input.histories, input.sprintFieldId);
  const points = pointEvents(input.histories, input.storyPointsFieldId);
  const known = new Map(input.current.map((s) => [s.id, s]));
  const ids = [...new Set([...input.current.map((s) => s.id), ...events.map((e) => e.sprintId)])];
  const historyOnly: SprintRef[] = [];
  const memberships = ids.map((id): Membership => {
    const mine = events.filter((e) => e.sprintId === id);
    const lastAdd = mine.filter((e) => e.kind === "added").at(-1);
    const sprint = known.get(id);
    const start = sprint?.startDate ? Date.parse(sprint.startDate) : null;
    const addedAt = lastAdd?.at ?? start ?? input.createdAt;
    const lastRemove = mine.filter((e) => e.kind === "removed" && (addedAt === null || e.at > addedAt)).at(-1);
    const removedAt = known.has(id) ? null : lastRemove?.at ?? null;
    if (!sprint) {
      const name = mine.map((e) => e.name).filter((n) => n).at(-1) ?? null;
      historyOnly.push({
        id,
        name,
        state: null,
        boardId: null,
        goal: null,
        startDate: null,
        endDate: null,
        completeDate: null,
      });
    }
    const reference = start !== null && addedAt !== null ? Math.max(start, addedAt) : addedAt ?? start;
    return {
      sprintId: id,
      addedAt,
      removedAt,
      estimateAtStart: reference === null ? input.currentPoints : pointsAt(points, reference, input.currentPoints),
      carriedFrom: null,
      carriedTo: null,
    };
  });
  // carry-over chain: the sprints the issue stayed in, in time order (sprint start, else when it was added)
  const chain = memberships.filter((m) => m.removedAt === null).sort((a, b) => {
    const at = (m: Membership) => {
      const s = known.get(m.sprintId)?.startDate;
      return s ? Date.parse(s) : m.addedAt ?? 0;
    };
    return (at(a) - at(b)) || (Number(a.sprintId) - Number(b.sprintId));
  });
  chain.forEach((m, i) => {
    m.carriedFrom = i > 0 ? chain[i - 1].sprintId : null;
    m.carriedTo = i < chain.length - 1 ? chain[i + 1].sprintId : null;
  });
  return { memberships, historyOnly };
}
