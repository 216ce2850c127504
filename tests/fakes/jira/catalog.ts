// Reference data the fake serves: projects (recorded merico + projects seen only on recorded issues + synthesized +
// the 567 recorded issues.apache.org projects), per-project issue types with statuses, fields, boards and sprints.
// Derived from the current store, cached until the store changes.
import type { FakeState } from "./state.ts";
import { STORY_POINTS_FIELD, SYNTH_ISSUE_TYPES, SYNTH_STATUSES } from "./synth.ts";

type Obj = Record<string, unknown>;

export interface CatalogProject {
  project: Obj;
  issueTypes: Obj[];
  statuses: Obj[];
  /** Field id the project's board estimates with. */
  estimateField: string;
}

export interface CatalogBoard {
  board: Obj;
  sprints: Obj[] | undefined; // undefined → kanban (no sprints)
  estimateField: string;
}

export interface Catalog {
  projects: CatalogProject[];
  byKeyOrId: Map<string, CatalogProject>;
  boards: Map<number, CatalogBoard>;
  statusCategory: Map<string, string>;
}

const MERICO_ESTIMATE_FIELD = "customfield_10024";
const cache = new WeakMap<FakeState, { version: number; catalog: Catalog }>();

export function catalog(state: FakeState): Catalog {
  const hit = cache.get(state);
  if (hit && hit.version === state.store.version) return hit.catalog;
  const built = build(state);
  cache.set(state, { version: state.store.version, catalog: built });
  return built;
}

function statusIdsUsed(state: FakeState): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  for (const ref of state.store.refs()) {
    if (ref >= 0) break; // synthesized issues follow; their workflow is known
    const issue = state.store.get(ref);
    const key = (issue.fields.project as { key?: string } | undefined)?.key ?? issue.key.split("-")[0];
    const ids = used.get(key) ?? new Set<string>();
    const current = (issue.fields.status as { id?: string } | undefined)?.id;
    if (current) ids.add(String(current));
    for (const h of issue.histories) {
      for (const item of h.items as { field?: string; from?: string; to?: string }[]) {
        if (item.field !== "status") continue;
        if (item.from) ids.add(String(item.from));
        if (item.to) ids.add(String(item.to));
      }
    }
    used.set(key, ids);
  }
  return used;
}

function build(state: FakeState): Catalog {
  const { data, store } = state;
  const statusById = new Map(data.statuses.map((s) => [String(s.id), s]));
  const used = statusIdsUsed(state);
  const projects: CatalogProject[] = [];
  const defaultStatuses = ["10033", "3", "10034"].map((id) => statusById.get(id)!).filter(Boolean);
  const mericoProjects = [...data.projects];
  for (const ref of store.refs()) {
    if (ref >= 0) break;
    const p = store.get(ref).fields.project as Obj | undefined;
    if (p && !mericoProjects.some((m) => m.key === p.key)) mericoProjects.push(p);
  }
  for (const p of mericoProjects) {
    const ids = used.get(String(p.key));
    const statuses = ids ? [...ids].map((id) => statusById.get(id)).filter((s): s is Obj => !!s) : defaultStatuses;
    projects.push({ project: p, issueTypes: data.issueTypes, statuses, estimateField: MERICO_ESTIMATE_FIELD });
  }
  const synth = store.synth;
  if (synth) {
    synth.projectKeys.forEach((_, idx) => {
      projects.push({
        project: { ...synth.project(idx), self: `${state.baseUrl}/rest/api/3/project/${30_000 + idx}` },
        issueTypes: SYNTH_ISSUE_TYPES,
        statuses: SYNTH_STATUSES,
        estimateField: STORY_POINTS_FIELD,
      });
    });
  }
  if (state.config.includeApacheProjects) {
    for (const p of data.apache.projects) {
      projects.push({
        project: p,
        issueTypes: data.apache.projectIssueTypes,
        statuses: data.apache.statuses,
        estimateField: STORY_POINTS_FIELD,
      });
    }
  }
  projects.sort((a, b) => String(a.project.key).localeCompare(String(b.project.key)));
  const byKeyOrId = new Map<string, CatalogProject>();
  for (const p of projects) {
    byKeyOrId.set(String(p.project.key), p);
    byKeyOrId.set(String(p.project.id), p);
  }

  const boards = new Map<number, CatalogBoard>();
  for (const b of data.apache.boards) {
    const id = Number(b.id);
    boards.set(id, {
      board: b,
      sprints: b.type === "scrum" ? [] : undefined,
      estimateField: STORY_POINTS_FIELD,
    });
  }
  for (const [id, sprints] of data.sprintsByBoard) {
    const known = boards.get(id);
    const board = known?.board ?? { id, name: id === 8 ? "EE board" : `Board ${id}`, type: "scrum" };
    boards.set(id, { board, sprints, estimateField: id === 8 ? MERICO_ESTIMATE_FIELD : STORY_POINTS_FIELD });
  }
  // Board 93 is where the recorded K5 issues came from; no sprints of it were recorded.
  if (!boards.has(93)) {
    boards.set(93, {
      board: { id: 93, name: "K5 board", type: "scrum" },
      sprints: [],
      estimateField: STORY_POINTS_FIELD,
    });
  }
  if (synth) {
    synth.projectKeys.forEach((key, idx) => {
      const id = synth.boardId(idx);
      const sprints = synth.sprints(idx).map((s) => ({
        ...synth.sprintObject(s),
        self: `${state.baseUrl}/rest/agile/1.0/sprint/${s.id}`,
        originBoardId: id,
      }));
      boards.set(id, {
        board: { id, name: `${key} board`, type: "scrum", location: { projectKey: key, projectId: 30_000 + idx } },
        sprints,
        estimateField: STORY_POINTS_FIELD,
      });
    });
  }

  const statusCategory = new Map<string, string>();
  for (const s of [...data.statuses, ...SYNTH_STATUSES] as Obj[]) {
    statusCategory.set(String(s.id), String((s.statusCategory as { key?: string } | undefined)?.key ?? ""));
  }
  return { projects, byKeyOrId, boards, statusCategory };
}

/** System fields plus the recorded custom fields plus the custom fields synthesized issues use. */
export function fieldList(state: FakeState): Obj[] {
  const system = (id: string, name: string, type: string) => ({
    id,
    key: id,
    name,
    custom: false,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [id],
    schema: { type, system: id },
  });
  const custom = (n: number, name: string, type: string, plugin: string, items?: string) => ({
    id: `customfield_${n}`,
    key: `customfield_${n}`,
    name,
    custom: true,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [`cf[${n}]`, name],
    schema: { type, custom: plugin, customId: n, ...(items ? { items } : {}) },
  });
  const fields: Obj[] = [
    ...state.data.apache.fields,
    system("status", "Status", "status"),
    system("issuetype", "Issue Type", "issuetype"),
    system("project", "Project", "project"),
    system("assignee", "Assignee", "user"),
    system("reporter", "Reporter", "user"),
    system("created", "Created", "datetime"),
    system("updated", "Updated", "datetime"),
    system("priority", "Priority", "priority"),
    system("labels", "Labels", "array"),
    system("resolution", "Resolution", "resolution"),
    system("resolutiondate", "Resolved", "datetime"),
    ...state.data.fields,
    custom(10000, "development", "any", "com.atlassian.jira.plugins.jira-development-integration-plugin:devsummarycf"),
    custom(10001, "Team", "team", "com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team"),
    custom(10016, "Story point estimate", "number", "com.pyxis.greenhopper.jira:jsw-story-points"),
    custom(10020, "Sprint", "array", "com.pyxis.greenhopper.jira:gh-sprint", "json"),
    custom(10024, "Story Points", "number", "com.atlassian.jira.plugin.system.customfieldtypes:float"),
  ];
  const seen = new Set<string>();
  return fields.filter((f) => !seen.has(String(f.id)) && !!seen.add(String(f.id)));
}
