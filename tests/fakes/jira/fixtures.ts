// Loads the recorded Jira responses the fake replays (tests/fixtures/recorded, see its README for sources/licenses):
// - devlake-jira: merico.atlassian.net (Jira Cloud) issues with embedded changelogs from two board pages, three
//   per-issue /changelog pages, statuses, issue types, projects, board 8 sprints, dev-status panels, two fields;
// - go-jira-mock-data: issues.apache.org projects, a project with issue types, statuses, boards, sprints, fields,
//   issue link types.
// Everything is read once per process and shared read-only by every fake instance (callers clone before mutating).

const ROOT = new URL("../../fixtures/recorded/", import.meta.url);

export interface RecordedData {
  /** Issues with their full embedded changelog (the recorded pages were complete: total = histories). */
  issues: Record<string, unknown>[];
  /** Board each recorded issue was collected from. */
  issueBoards: Map<string, number>;
  /** Per-issue /changelog pages, by issue id (ascending, as recorded). */
  issueChangelogs: Map<string, Record<string, unknown>[]>;
  statuses: Record<string, unknown>[];
  issueTypes: Record<string, unknown>[];
  projects: Record<string, unknown>[];
  sprintsByBoard: Map<number, Record<string, unknown>[]>;
  /** Recorded dev-status bodies, keyed "issueId|applicationType|dataType". */
  devStatus: Map<string, unknown>;
  fields: Record<string, unknown>[];
  apache: {
    projects: Record<string, unknown>[];
    projectIssueTypes: Record<string, unknown>[];
    statuses: Record<string, unknown>[];
    boards: Record<string, unknown>[];
    fields: Record<string, unknown>[];
    linkTypes: Record<string, unknown>[];
  };
}

interface ManifestPage {
  file: string;
  method: string;
  url: string;
}

function readJson<T>(relative: string): T {
  return JSON.parse(Deno.readTextFileSync(new URL(relative, ROOT))) as T;
}

let cached: RecordedData | undefined;

export function recordedData(): RecordedData {
  if (cached) return cached;
  const manifest = readJson<{ pages: ManifestPage[] }>("devlake-jira/manifest.json");
  const page = <T>(p: ManifestPage) => readJson<T>(`devlake-jira/${p.file}`);
  const data: RecordedData = {
    issues: [],
    issueBoards: new Map(),
    issueChangelogs: new Map(),
    statuses: [],
    issueTypes: [],
    projects: [],
    sprintsByBoard: new Map(),
    devStatus: new Map(),
    fields: [],
    apache: {
      projects: readJson("go-jira-mock-data/all_projects.json"),
      projectIssueTypes: readJson<{ issueTypes: Record<string, unknown>[] }>("go-jira-mock-data/project.json")
        .issueTypes,
      statuses: readJson("go-jira-mock-data/all_statuses.json"),
      boards: readJson<{ values: Record<string, unknown>[] }>("go-jira-mock-data/all_boards.json").values,
      fields: readJson("go-jira-mock-data/all_fields.json"),
      linkTypes: readJson("go-jira-mock-data/all_issuelinktypes.json"),
    },
  };
  const seenIssues = new Set<string>();
  for (const p of manifest.pages) {
    const url = new URL(p.url);
    const path = url.pathname;
    let m: RegExpMatchArray | null;
    if ((m = path.match(/^\/rest\/agile\/1\.0\/board\/(\d+)\/issue$/))) {
      for (const issue of page<{ issues: Record<string, unknown>[] }>(p).issues) {
        const id = String(issue.id);
        if (seenIssues.has(id)) continue;
        seenIssues.add(id);
        data.issues.push(issue);
        data.issueBoards.set(id, Number(m[1]));
      }
    } else if ((m = path.match(/^\/rest\/api\/3\/issue\/(\d+)\/changelog$/))) {
      data.issueChangelogs.set(m[1], page<{ values: Record<string, unknown>[] }>(p).values);
    } else if ((m = path.match(/^\/rest\/agile\/1\.0\/board\/(\d+)\/sprint$/))) {
      data.sprintsByBoard.set(Number(m[1]), page<{ values: Record<string, unknown>[] }>(p).values);
    } else if (path === "/rest/api/2/status") data.statuses = page(p);
    else if (path === "/rest/api/3/issuetype") data.issueTypes = page(p);
    else if (path === "/rest/api/2/project") data.projects = page(p);
    else if (path === "/rest/api/2/field") data.fields = page(p);
    else if (path === "/rest/dev-status/1.0/issue/detail") {
      const q = url.searchParams;
      data.devStatus.set(`${q.get("issueId")}|${q.get("applicationType")}|${q.get("dataType")}`, page(p));
    }
  }
  // The go-jira sprints belong to board 734 (their originBoardId), which all_boards.json does not list.
  const apacheSprints = readJson<{ values: Record<string, unknown>[] }>("go-jira-mock-data/sprints.json").values;
  data.sprintsByBoard.set(Number(apacheSprints[0]?.originBoardId ?? 734), apacheSprints);
  cached = data;
  return data;
}
