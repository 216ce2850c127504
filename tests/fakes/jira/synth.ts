// Deterministic synthesized Jira issues for volume and lifecycle tests (clearly not recorded data: summaries say
// "synthesized"). Issue i is a pure function of (seed, i), so 100,000 issues cost nothing until a page asks for
// them: `row(i)` gives the cheap facts search needs (key, project, type, created, updated) and `build(i)` makes the
// full issue with a realistic changelog — forward flow, skipped steps, reopen, back to backlog, sprint adds,
// carry-overs, moves and removals, story point and assignee changes.
import { jiraDate } from "./dates.ts";

export interface SynthOptions {
  count: number;
  seed?: number;
  projectKeys?: string[];
  startMs?: number;
  spanDays?: number;
  /** Every Nth issue gets a long history (45–120 entries) that exceeds the search changelog cap. */
  longHistoryEvery?: number;
  /** Every Nth issue has linked pull requests (development field + dev-status detail). */
  developmentEvery?: number;
}

export interface SynthRow {
  index: number;
  id: number;
  key: string;
  projectIdx: number;
  projectKey: string;
  typeIdx: number;
  createdMs: number;
  updatedMs: number;
  events: number;
}

const DAY = 86_400_000;
const SPRINT_DAYS = 14;
export const SYNTH_ID_BASE = 200_000;
export const STORY_POINTS_FIELD = "customfield_10016";
export const SPRINT_FIELD = "customfield_10020";
export const DEVELOPMENT_FIELD = "customfield_10000";

const CATEGORY = {
  new: { id: 2, key: "new", colorName: "blue-gray", name: "To Do" },
  indeterminate: { id: 4, key: "indeterminate", colorName: "yellow", name: "In Progress" },
  done: { id: 3, key: "done", colorName: "green", name: "Done" },
};
/** Workflow in order; ids and names are statuses of the recorded merico tenant. */
export const SYNTH_STATUSES = [
  { id: "10039", name: "Backlog", statusCategory: CATEGORY.new },
  { id: "10114", name: "Selected for Development", statusCategory: CATEGORY.new },
  { id: "3", name: "In Progress", statusCategory: CATEGORY.indeterminate },
  { id: "10153", name: "Review", statusCategory: CATEGORY.indeterminate },
  { id: "10034", name: "Done", statusCategory: CATEGORY.done },
];
const DONE = 4;
export const SYNTH_ISSUE_TYPES = [
  { id: "30001", name: "Story", subtask: false, hierarchyLevel: 0, description: "A user-facing change." },
  { id: "30002", name: "Task", subtask: false, hierarchyLevel: 0, description: "A piece of work." },
  { id: "30003", name: "Bug", subtask: false, hierarchyLevel: 0, description: "A defect." },
  { id: "30004", name: "Epic", subtask: false, hierarchyLevel: 1, description: "A large body of work." },
];
const EPIC = 3;
const USERS = ["Ada Byron", "Grace Hopper", "Ken Iverson", "Barbara Liskov", "Alan Kay", "Frances Allen"].map(
  (displayName, n) => ({ accountId: `synth-user-${n + 1}`, displayName, active: true, accountType: "atlassian" }),
);
const POINTS = [1, 2, 3, 5, 8, 13];
const WORDS = ["billing", "search", "login", "export", "cache", "audit", "report", "sync", "upload", "alerts"];

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
function hash3(a: number, b: number, c: number): number {
  return mix((mix(mix(a ^ 0x9e3779b9) ^ b) + Math.imul(c, 0x27d4eb2d)) | 0);
}
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SynthSprint {
  id: number;
  name: string;
  state: "closed" | "active" | "future";
  startMs: number;
  endMs: number;
  boardId: number;
}

export interface BuiltIssue {
  issue: { id: string; key: string; fields: Record<string, unknown> };
  histories: Record<string, unknown>[];
}

type Item = Record<string, string | null>;

export class SyntheticIssues {
  readonly count: number;
  readonly seed: number;
  readonly projectKeys: string[];
  readonly startMs: number;
  readonly spanMs: number;
  /** "Now" of the synthesized world: sprints ending before it are closed. */
  readonly referenceNowMs: number;
  private readonly longEvery: number;
  private readonly devEvery: number;

  constructor(options: SynthOptions) {
    this.count = options.count;
    this.seed = options.seed ?? 1;
    this.projectKeys = options.projectKeys ?? ["ALPHA", "BETA", "GAMMA"];
    this.startMs = options.startMs ?? Date.UTC(2024, 0, 1);
    this.spanMs = (options.spanDays ?? 365) * DAY;
    this.referenceNowMs = this.startMs + this.spanMs;
    this.longEvery = options.longHistoryEvery ?? 20;
    this.devEvery = options.developmentEvery ?? 4;
  }

  private r(i: number, salt: number): number {
    return hash3(this.seed, i, salt) / 4294967296;
  }

  row(i: number): SynthRow {
    const projectIdx = i % this.projectKeys.length;
    const createdMs = this.startMs + Math.floor((i * this.spanMs) / this.count) + Math.floor(this.r(i, 1) * 6 * 3600e3);
    const lifetime = DAY + Math.floor(this.r(i, 2) ** 2 * 90 * DAY);
    const t = this.r(i, 3);
    const long = hash3(this.seed, i, 4) % this.longEvery === 0;
    return {
      index: i,
      id: SYNTH_ID_BASE + i,
      key: `${this.projectKeys[projectIdx]}-${Math.floor(i / this.projectKeys.length) + 1}`,
      projectIdx,
      projectKey: this.projectKeys[projectIdx],
      typeIdx: t < 0.45 ? 0 : t < 0.7 ? 1 : t < 0.95 ? 2 : EPIC,
      createdMs,
      updatedMs: createdMs + lifetime,
      events: long ? 45 + Math.floor(this.r(i, 5) * 76) : 3 + Math.floor(this.r(i, 5) * 12),
    };
  }

  indexOfKey(key: string): number | undefined {
    const m = key.match(/^([A-Z][A-Z0-9_]*)-(\d+)$/);
    const p = m ? this.projectKeys.indexOf(m[1]) : -1;
    if (!m || p < 0) return undefined;
    const i = (Number(m[2]) - 1) * this.projectKeys.length + p;
    return i >= 0 && i < this.count ? i : undefined;
  }

  indexOfId(id: string | number): number | undefined {
    const i = Number(id) - SYNTH_ID_BASE;
    return Number.isInteger(i) && i >= 0 && i < this.count ? i : undefined;
  }

  project(projectIdx: number) {
    const key = this.projectKeys[projectIdx];
    return { id: String(30_000 + projectIdx), key, name: `${key} (synthesized)`, projectTypeKey: "software" };
  }

  boardId(projectIdx: number): number {
    return 500 + projectIdx;
  }

  sprints(projectIdx: number): SynthSprint[] {
    const n = Math.ceil((this.spanMs + 95 * DAY) / (SPRINT_DAYS * DAY));
    return Array.from({ length: n }, (_, k) => this.sprint(projectIdx, k));
  }

  sprint(projectIdx: number, k: number): SynthSprint {
    const startMs = this.startMs + k * SPRINT_DAYS * DAY + 9 * 3600e3;
    const endMs = startMs + SPRINT_DAYS * DAY;
    const state = endMs <= this.referenceNowMs ? "closed" : startMs <= this.referenceNowMs ? "active" : "future";
    const id = (projectIdx + 1) * 1000 + k + 1;
    const name = `${this.projectKeys[projectIdx]} Sprint ${k + 1}`;
    return { id, name, state, startMs, endMs, boardId: this.boardId(projectIdx) };
  }

  sprintObject(s: SynthSprint): Record<string, unknown> {
    return {
      id: s.id,
      name: s.name,
      state: s.state,
      boardId: s.boardId,
      goal: "",
      startDate: new Date(s.startMs).toISOString(),
      endDate: new Date(s.endMs).toISOString(),
      ...(s.state === "closed" ? { completeDate: new Date(s.endMs).toISOString() } : {}),
    };
  }

  hasDevelopment(i: number): boolean {
    return hash3(this.seed, i, 6) % this.devEvery === 0;
  }

  build(i: number): BuiltIssue {
    const row = this.row(i);
    const rng = mulberry32(hash3(this.seed, i, 77));
    const pick = <T>(list: readonly T[]) => list[Math.floor(rng() * list.length)];
    const sprintIndexAt = (t: number) => Math.max(0, Math.floor((t - this.startMs) / (SPRINT_DAYS * DAY)));
    let status = 0;
    let assignee: (typeof USERS)[number] | null = rng() < 0.5 ? pick(USERS) : null;
    let points: number | null = null;
    let labels: string[] = [];
    let inSprints: number[] = []; // sprint indexes, in the order added
    let statusChangedAt = row.createdMs;
    let resolvedAt: number | null = null;
    const histories: Record<string, unknown>[] = [];
    const sprintIds = (list: number[]) => list.map((k) => String(this.sprint(row.projectIdx, k).id)).join(", ");
    const sprintNames = (list: number[]) => list.map((k) => this.sprint(row.projectIdx, k).name).join(", ");

    for (let j = 0; j < row.events; j++) {
      const t = row.createdMs + Math.floor(((row.updatedMs - row.createdMs) * (j + 1)) / row.events);
      const items: Item[] = [];
      const roll = rng();
      const kind = row.typeIdx === EPIC
        ? (roll < 0.6 ? "status" : roll < 0.85 ? "assignee" : "labels")
        : roll < 0.45
        ? "status"
        : roll < 0.6
        ? "assignee"
        : roll < 0.75
        ? "points"
        : roll < 0.93
        ? "sprint"
        : "labels";
      if (kind === "status") {
        const next = nextStatus(status, rng());
        const from = SYNTH_STATUSES[status];
        const to = SYNTH_STATUSES[next];
        items.push(item("status", "jira", "status", from.id, from.name, to.id, to.name));
        if (next === DONE) {
          items.push(item("resolution", "jira", "resolution", null, null, "10000", "Done"));
          resolvedAt = t;
        } else if (status === DONE) {
          items.push(item("resolution", "jira", "resolution", "10000", "Done", null, null));
          resolvedAt = null;
        }
        status = next;
        statusChangedAt = t;
      } else if (kind === "assignee") {
        const next = pick(USERS.filter((u) => u !== assignee));
        items.push(item(
          "assignee",
          "jira",
          "assignee",
          assignee?.accountId ?? null,
          assignee?.displayName ?? null,
          next.accountId,
          next.displayName,
        ));
        assignee = next;
      } else if (kind === "points") {
        const next = pick(POINTS.filter((p) => p !== points));
        const from = points === null ? null : String(points);
        items.push(item("Story point estimate", "custom", STORY_POINTS_FIELD, from, from, String(next), String(next)));
        points = next;
      } else if (kind === "sprint") {
        const now = sprintIndexAt(t);
        const before = inSprints;
        const last = before[before.length - 1];
        if (last === undefined) inSprints = [now];
        else if (last < now) inSprints = [...before, now]; // carried over: the closed sprint stays in the field
        else if (rng() < 0.4) inSprints = before.slice(0, -1); // removed from the sprint (punted)
        else inSprints = [...before.slice(0, -1), last + 1]; // moved to the next sprint before it ended
        items.push(item(
          "Sprint",
          "custom",
          SPRINT_FIELD,
          sprintIds(before),
          sprintNames(before),
          sprintIds(inSprints),
          sprintNames(inSprints),
        ));
      } else {
        const next = [...new Set([...labels, pick(WORDS)])].slice(-3);
        items.push(item("labels", "jira", "labels", null, labels.join(" "), null, next.join(" ")));
        labels = next;
      }
      histories.push({ id: String(10_000_000 + i * 200 + j), author: pick(USERS), created: jiraDate(t), items });
    }

    const type = SYNTH_ISSUE_TYPES[row.typeIdx];
    const st = SYNTH_STATUSES[status];
    const fields: Record<string, unknown> = {
      summary: `${row.key} synthesized ${type.name.toLowerCase()}: ${pick(WORDS)} ${pick(WORDS)}`,
      issuetype: type,
      project: this.project(row.projectIdx),
      status: st,
      created: jiraDate(row.createdMs),
      updated: jiraDate(row.updatedMs),
      statuscategorychangedate: jiraDate(statusChangedAt),
      resolutiondate: resolvedAt === null ? null : jiraDate(resolvedAt),
      resolution: resolvedAt === null ? null : { id: "10000", name: "Done" },
      priority: pick([{ id: "2", name: "High" }, { id: "3", name: "Medium" }, { id: "4", name: "Low" }]),
      assignee,
      reporter: pick(USERS),
      labels,
      description: {
        type: "doc",
        version: 1,
        content: [{ type: "paragraph", content: [{ type: "text", text: `Synthesized issue ${row.key}.` }] }],
      },
      [STORY_POINTS_FIELD]: points,
      [SPRINT_FIELD]: inSprints.length ? inSprints.map((k) => this.sprintObject(this.sprint(row.projectIdx, k))) : null,
      [DEVELOPMENT_FIELD]: this.hasDevelopment(i) ? developmentSummary(status === DONE, row.updatedMs) : "{}",
    };
    return { issue: { id: String(row.id), key: row.key, fields }, histories };
  }
}

function item(
  field: string,
  fieldtype: string,
  fieldId: string,
  from: string | null,
  fromString: string | null,
  to: string | null,
  toString: string | null,
): Item {
  return { field, fieldtype, fieldId, from, fromString, to, toString };
}

/** Mostly forward, with skipped steps, reviews sent back, returns to backlog and reopened issues. */
function nextStatus(current: number, r: number): number {
  switch (current) {
    case 0:
      return r < 0.7 ? 1 : 2; // Backlog → Selected, or straight to In Progress
    case 1:
      return r < 0.85 ? 2 : 0; // → In Progress, or back to Backlog
    case 2:
      return r < 0.7 ? 3 : r < 0.85 ? DONE : 0; // → Review, skip review, or back to Backlog
    case 3:
      return r < 0.75 ? DONE : 2; // → Done, or sent back to In Progress
    default:
      return r < 0.6 ? 2 : 1; // reopened
  }
}

/** The development field as Jira Cloud renders it (a string holding a summary). */
function developmentSummary(merged: boolean, updatedMs: number): string {
  const state = merged ? "MERGED" : "OPEN";
  const json = {
    cachedValue: {
      errors: [],
      summary: {
        pullrequest: {
          overall: { count: 1, lastUpdated: jiraDate(updatedMs), stateCount: 1, state, dataType: "pullrequest" },
          byInstanceType: { GitHub: { count: 1, name: "GitHub" } },
        },
      },
    },
    isStale: false,
  };
  return `{pullrequest={dataType=pullrequest, state=${state}, stateCount=1}, json=${JSON.stringify(json)}}`;
}

/** Public entry for other tests: deterministic synthesized issues without a server. */
export function synthesizeIssues(count: number, seed = 1, options: Omit<SynthOptions, "count" | "seed"> = {}) {
  return new SyntheticIssues({ ...options, count, seed });
}
