// The fake's issue store: recorded issues (materialized, mutable) plus optional synthesized issues (computed on
// demand). Each issue keeps its *full* history oldest first; endpoints decide how much of it to show (search caps
// it like Jira does). A reference `ref` names an issue compactly: ref ≥ 0 is synthesized issue `ref`, ref < 0 is
// recorded issue `-ref - 1`, so a 100,000-issue result set is one Int32Array.
import { parseJiraDate } from "./dates.ts";
import { SyntheticIssues, type SynthOptions } from "./synth.ts";

export interface StoredIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
  /** Full history, oldest first. */
  histories: Record<string, unknown>[];
  /** Board the issue was recorded from (recorded data only). */
  boardId?: number;
}

/** The facts filtering and ordering need, without building a whole issue. */
export interface IssueRow {
  ref: number;
  id: number;
  key: string;
  projectKey: string;
  issueTypeId: string;
  issueTypeName: string;
  createdMs: number;
  updatedMs: number;
}

const CACHE_LIMIT = 4000;

export class IssueStore {
  private recorded: StoredIssue[] = [];
  private recordedIndex = new Map<string, number>(); // id and key → recorded position
  synth: SyntheticIssues | undefined;
  private overrides = new Map<number, StoredIssue>(); // mutated synthesized issues
  private deleted = new Set<number>();
  private built = new Map<number, StoredIssue>(); // small cache of synthesized builds
  /** Changelogs recorded for issues that are not in any recorded search page (per-issue endpoint only). */
  readonly orphanChangelogs = new Map<string, Record<string, unknown>[]>();
  /** Bumped by every change; query caches are keyed by it. */
  version = 0;
  /** Synthesized issues built so far (tests use it to prove listings stay lazy). */
  builds = 0;

  setRecorded(issues: StoredIssue[]): void {
    this.recorded = issues.map((i) => structuredClone(i));
    this.recordedIndex = new Map();
    this.recorded.forEach((issue, n) => {
      this.recordedIndex.set(issue.id, n);
      this.recordedIndex.set(issue.key, n);
    });
    this.deleted = new Set([...this.deleted].filter((ref) => ref >= 0));
    this.version++;
  }

  addRecorded(issue: StoredIssue): void {
    const n = this.recorded.push(structuredClone(issue)) - 1;
    this.recordedIndex.set(issue.id, n);
    this.recordedIndex.set(issue.key, n);
    this.version++;
  }

  setSynthetic(options: SynthOptions | undefined): void {
    this.synth = options ? new SyntheticIssues(options) : undefined;
    this.overrides.clear();
    this.built.clear();
    this.deleted = new Set([...this.deleted].filter((ref) => ref < 0));
    this.version++;
  }

  /** Every live ref (recorded first), skipping deleted issues. */
  *refs(): Generator<number> {
    for (let n = 0; n < this.recorded.length; n++) if (!this.deleted.has(-n - 1)) yield -n - 1;
    const count = this.synth?.count ?? 0;
    for (let i = 0; i < count; i++) if (!this.deleted.has(i)) yield i;
  }

  resolve(idOrKey: string): number | undefined {
    const n = this.recordedIndex.get(idOrKey);
    let ref: number | undefined = n === undefined ? undefined : -n - 1;
    if (ref === undefined && this.synth) ref = this.synth.indexOfId(idOrKey) ?? this.synth.indexOfKey(idOrKey);
    return ref === undefined || this.deleted.has(ref) ? undefined : ref;
  }

  row(ref: number): IssueRow {
    const stored = ref < 0 ? this.recorded[-ref - 1] : this.overrides.get(ref);
    if (stored) return rowOf(ref, stored);
    const r = this.synth!.row(ref);
    const type = this.typeOfSynth(r.typeIdx);
    return {
      ref,
      id: r.id,
      key: r.key,
      projectKey: r.projectKey,
      issueTypeId: type.id,
      issueTypeName: type.name,
      createdMs: r.createdMs,
      updatedMs: r.updatedMs,
    };
  }

  get(ref: number): StoredIssue {
    if (ref < 0) return this.recorded[-ref - 1];
    const override = this.overrides.get(ref);
    if (override) return override;
    const hit = this.built.get(ref);
    if (hit) return hit;
    const { issue, histories } = this.synth!.build(ref);
    this.builds++;
    const stored: StoredIssue = { id: issue.id, key: issue.key, fields: issue.fields, histories };
    if (this.built.size >= CACHE_LIMIT) this.built.delete(this.built.keys().next().value!);
    this.built.set(ref, stored);
    return stored;
  }

  /** Applies `change` to a private copy of the issue and bumps its `updated` (like any edit in Jira). */
  mutate(idOrKey: string, change: (issue: StoredIssue) => void, updatedMs: number): StoredIssue {
    const ref = this.resolve(idOrKey);
    if (ref === undefined) throw new Error(`fake Jira: no issue ${idOrKey}`);
    const copy = ref < 0 ? this.recorded[-ref - 1] : structuredClone(this.get(ref));
    change(copy);
    copy.fields.updated = new Date(updatedMs).toISOString().replace("Z", "+0000");
    if (ref >= 0) this.overrides.set(ref, copy);
    this.version++;
    return copy;
  }

  delete(idOrKey: string): boolean {
    const ref = this.resolve(idOrKey);
    if (ref === undefined) return false;
    this.deleted.add(ref);
    this.version++;
    return true;
  }

  /** Full history by id or key, including recorded per-issue changelogs of issues without a search record. */
  histories(idOrKey: string): { id: string; histories: Record<string, unknown>[] } | undefined {
    const ref = this.resolve(idOrKey);
    if (ref !== undefined) {
      const issue = this.get(ref);
      return { id: issue.id, histories: issue.histories };
    }
    const orphan = this.orphanChangelogs.get(idOrKey);
    return orphan ? { id: idOrKey, histories: orphan } : undefined;
  }

  private typeOfSynth(typeIdx: number) {
    return [
      { id: "30001", name: "Story" },
      { id: "30002", name: "Task" },
      { id: "30003", name: "Bug" },
      { id: "30004", name: "Epic" },
    ][typeIdx];
  }
}

function rowOf(ref: number, issue: StoredIssue): IssueRow {
  const f = issue.fields as {
    project?: { key?: string };
    issuetype?: { id?: string; name?: string; untranslatedName?: string };
    created?: string;
    updated?: string;
  };
  return {
    ref,
    id: Number(issue.id),
    key: issue.key,
    projectKey: f.project?.key ?? issue.key.split("-")[0],
    issueTypeId: String(f.issuetype?.id ?? ""),
    issueTypeName: f.issuetype?.untranslatedName ?? f.issuetype?.name ?? "",
    createdMs: parseJiraDate(f.created),
    updatedMs: parseJiraDate(f.updated),
  };
}

/** Recorded search issues → stored issues with their embedded (complete) changelog, oldest first. */
export function storedFromIssue(issue: Record<string, unknown>, boardId?: number): StoredIssue {
  const changelog = issue.changelog as { histories?: Record<string, unknown>[] } | undefined;
  const histories = [...(changelog?.histories ?? [])].sort((a, b) =>
    (parseJiraDate(a.created) - parseJiraDate(b.created)) || (Number(a.id) - Number(b.id))
  );
  return {
    id: String(issue.id),
    key: String(issue.key),
    fields: structuredClone(issue.fields ?? {}) as Record<string, unknown>,
    histories: structuredClone(histories),
    boardId,
  };
}
