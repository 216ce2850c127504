// Collapsed icon sidebar with hover/focus tooltips (CSS), sticky under the header. Queues is admin-only.
import { Database, House, type LucideIcon, Network, Settings2, UserRound } from "lucide-preact";
import type { ShellUser } from "./Header.tsx";

export type NavKey = "home" | "integrations" | "mappings" | "queues" | "profile" | "none";

interface NavItem {
  key: NavKey;
  href: string;
  label: string;
  icon: LucideIcon;
  adminOnly?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { key: "home", href: "/", label: "Home", icon: House },
  { key: "integrations", href: "/integrations", label: "Integrations", icon: Network },
  { key: "mappings", href: "/mappings", label: "Mappings", icon: Settings2 },
  { key: "queues", href: "/queues", label: "Queues", icon: Database, adminOnly: true },
  { key: "profile", href: "/profile", label: "Profile", icon: UserRound },
];

export function Sidebar(props: { user: ShellUser; active: NavKey }) {
  const items = NAV_ITEMS.filter((i) => !i.adminOnly || props.user.role === "admin");
  return (
    <nav
      class="app-sidebar flex w-16 shrink-0 flex-col items-center gap-1 border-r border-line bg-header py-3"
      aria-label="Main"
    >
      {items.map((item) => {
        const active = item.key === props.active;
        const Icon = item.icon;
        return (
          <span class="tip" data-tip={item.label} data-tip-side="right" key={item.key}>
            <a
              href={item.href}
              aria-label={item.label}
              aria-current={active ? "page" : undefined}
              data-nav={item.key}
              class={`flex h-11 w-11 items-center justify-center rounded-lg transition-colors ${
                active ? "text-white shadow-card" : "text-muted hover:bg-hover hover:text-fg"
              }`}
              style={active ? { background: "var(--gradient-1-2)", color: "var(--on-gradient-1-2)" } : undefined}
            >
              <Icon size={20} aria-hidden="true" />
            </a>
          </span>
        );
      })}
    </nav>
  );
}
