// The sidebar's one list of pages, in the order the operator sees them. A page appears only once its GET route is
// mounted (createApp reports the mounted paths with `setMountedPages` after assembling every route), so an entry
// for a page another change has not built yet simply does not show, and no entry can lead to a 404. To add a page:
// mount its route (routes/pages.tsx) and add its entry here; `roles` limits who sees it (the route must refuse the
// others itself).
import { Database, House, ListTree, type LucideIcon, Plug, Shapes, Sparkles, Tags, Workflow } from "lucide-preact";
import type { Role } from "../jobs/types.ts";

export interface NavEntry {
  /** Shell `active` key of the page. */
  key: string;
  href: string;
  label: string;
  icon: LucideIcon;
  /** Who sees the entry; omitted = every role. */
  roles?: Role[];
}

export const NAV: readonly NavEntry[] = [
  { key: "home", href: "/", label: "Home", icon: House },
  { key: "wits", href: "/wits", label: "Work item types", icon: Shapes },
  { key: "hierarchies", href: "/hierarchies", label: "Hierarchies", icon: ListTree },
  { key: "statuses", href: "/statuses", label: "Statuses", icon: Tags },
  { key: "workflows", href: "/workflows", label: "Workflows", icon: Workflow },
  { key: "integrations", href: "/integrations", label: "Integrations", icon: Plug },
  { key: "qdrant", href: "/qdrant", label: "Qdrant", icon: Sparkles },
  { key: "queues", href: "/queues", label: "Queues", icon: Database, roles: ["admin"] },
];

let mounted = new Set<string>();

/** Records which GET paths the app serves; entries whose href is not among them are left out of the sidebar. */
export function setMountedPages(routes: Iterable<{ method: string; path: string }>): void {
  const next = new Set<string>();
  for (const r of routes) if (r.method === "GET" || r.method === "ALL") next.add(r.path);
  mounted = next;
}

/** The entries a user with `role` sees, in order. */
export function navFor(role: Role): NavEntry[] {
  return NAV.filter((e) => mounted.has(e.href) && (!e.roles || e.roles.includes(role)));
}
