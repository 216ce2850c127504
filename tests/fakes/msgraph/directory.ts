// The fake directory behind the fake Graph: users (with a manager) and groups (with members), every change stamped
// with a version so a delta token (a version) can answer "what changed since". Removed objects stay as tombstones
// with Graph's @removed reason ("changed" = soft-deleted, "deleted" = gone).

export interface FUser {
  id: string;
  displayName: string;
  mail: string | null;
  userPrincipalName: string;
  jobTitle: string | null;
  department: string | null;
  accountEnabled: boolean;
  managerId: string | null;
}

export interface FGroup {
  id: string;
  displayName: string;
  mail: string | null;
  description: string | null;
}

interface Stamped<T> {
  value: T;
  version: number;
  managerVersion: number;
  removed: "changed" | "deleted" | null;
}

export interface MemberChange {
  groupId: string;
  memberId: string;
  removed: boolean;
  version: number;
}

/** A GUID-shaped id from a number (stable across runs, so tests can name objects). */
export function fakeGuid(kind: number, n: number): string {
  const hex = n.toString(16).padStart(12, "0");
  return `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${hex}`;
}

export class FakeDirectory {
  version = 1;
  readonly users = new Map<string, Stamped<FUser>>();
  readonly groups = new Map<string, Stamped<FGroup>>();
  readonly members = new Map<string, Set<string>>();
  readonly memberChanges: MemberChange[] = [];

  putUser(user: FUser): void {
    const old = this.users.get(user.id);
    const v = ++this.version;
    const managerChanged = !old || old.value.managerId !== user.managerId || old.removed !== null;
    this.users.set(user.id, {
      value: { ...user },
      version: v,
      managerVersion: managerChanged ? v : old.managerVersion,
      removed: null,
    });
  }

  updateUser(id: string, change: Partial<FUser>): void {
    const old = this.users.get(id);
    if (!old) throw new Error(`no user ${id}`);
    this.putUser({ ...old.value, ...change });
  }

  removeUser(id: string, reason: "changed" | "deleted" = "deleted"): void {
    const old = this.users.get(id);
    if (!old) throw new Error(`no user ${id}`);
    this.users.set(id, { ...old, version: ++this.version, removed: reason });
    for (const [groupId, set] of this.members) if (set.has(id)) this.removeMember(groupId, id);
  }

  putGroup(group: FGroup, memberIds: string[] = []): void {
    const old = this.groups.get(group.id);
    this.groups.set(group.id, { value: { ...group }, version: ++this.version, managerVersion: 0, removed: null });
    if (!old) this.members.set(group.id, new Set());
    for (const m of memberIds) this.addMember(group.id, m);
  }

  removeGroup(id: string): void {
    const old = this.groups.get(id);
    if (!old) throw new Error(`no group ${id}`);
    this.groups.set(id, { ...old, version: ++this.version, removed: "deleted" });
    this.members.set(id, new Set());
  }

  addMember(groupId: string, memberId: string): void {
    this.members.get(groupId)!.add(memberId);
    this.memberChanges.push({ groupId, memberId, removed: false, version: ++this.version });
  }

  removeMember(groupId: string, memberId: string): void {
    this.members.get(groupId)!.delete(memberId);
    this.memberChanges.push({ groupId, memberId, removed: true, version: ++this.version });
  }

  /** Users as Graph's delta lists them: everything live (since = null) or what changed after `since`. */
  userItems(since: number | null): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const s of [...this.users.values()].sort((a, b) => a.value.id.localeCompare(b.value.id))) {
      if (since === null ? s.removed !== null : s.version <= since) continue;
      if (s.removed) {
        out.push({ id: s.value.id, "@removed": { reason: s.removed } });
        continue;
      }
      const { managerId, ...rest } = s.value;
      const item: Record<string, unknown> = { ...rest };
      if (since === null || s.managerVersion > since) {
        item["manager@delta"] = managerId
          ? [{ "@odata.type": "#microsoft.graph.user", id: managerId }]
          : since === null
          ? []
          : [{
            "@odata.type": "#microsoft.graph.user",
            id: "00000000-0000-0000-0000-000000000000",
            "@removed": { reason: "deleted" },
          }];
      }
      out.push(item);
    }
    return out;
  }

  /**
   * Groups as Graph's delta lists them. A group's members come in slices of `slice`: the first item carries the
   * properties, later items repeat only the id with the next slice (Graph splits a large group the same way).
   */
  groupItems(since: number | null, slice: number, filter: Set<string> | null): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    const ids = [...this.groups.keys()].filter((id) => !filter || filter.has(id)).sort();
    for (const id of ids) {
      const s = this.groups.get(id)!;
      if (since === null && s.removed) continue;
      if (s.removed) {
        if (s.version > since!) out.push({ id, "@removed": { reason: s.removed } });
        continue;
      }
      const refs = since === null
        ? [...this.members.get(id)!].sort().map((m) => this.ref(m))
        : this.memberChangesSince(id, since);
      const propsChanged = since === null || s.version > since;
      if (!propsChanged && refs.length === 0) continue;
      for (let i = 0; i === 0 || i < refs.length; i += slice) {
        const part = refs.slice(i, i + slice);
        out.push(i === 0 && propsChanged ? { ...s.value, "members@delta": part } : { id, "members@delta": part });
      }
    }
    return out;
  }

  private memberChangesSince(groupId: string, since: number) {
    const last = new Map<string, MemberChange>();
    for (const c of this.memberChanges) if (c.groupId === groupId && c.version > since) last.set(c.memberId, c);
    return [...last.values()].sort((a, b) => a.memberId.localeCompare(b.memberId)).map((c) =>
      c.removed ? { ...this.ref(c.memberId), "@removed": { reason: "deleted" } } : this.ref(c.memberId)
    );
  }

  private ref(id: string) {
    const type = this.groups.has(id) ? "#microsoft.graph.group" : "#microsoft.graph.user";
    return { "@odata.type": type, id };
  }
}
