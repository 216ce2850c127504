// The sidebar: icon links from the nav registry (nav.ts) with tooltips, the current page highlighted. On wide
// screens it is always there, collapsed to icons. On small screens it is a native popover drawer opened by the
// header's menu button: the browser gives it Escape and tap-outside to close and keeps the button keyboard
// reachable, so it needs no JavaScript. In the drawer the labels show beside the icons.
import type { ShellUser } from "./Header.tsx";
import { navFor } from "./nav.ts";

export const NAV_ID = "app-nav";

export function Sidebar(props: { user: ShellUser; active: string; badges?: Record<string, number> }) {
  return (
    <nav id={NAV_ID} popover="auto" class="app-sidebar" aria-label="Main">
      <ul class="flex flex-col gap-1">
        {navFor(props.user.role).map((item) => {
          const active = item.key === props.active;
          const Icon = item.icon;
          const badge = props.badges?.[item.key] ?? 0;
          const shown = badge > 999 ? "999+" : String(badge);
          // the visible count is part of the name (a name that leaves out visible text confuses voice control)
          const label = badge ? `${item.label} ${shown} work items need a mapping` : item.label;
          return (
            <li class="tip" data-tip={label} data-tip-side="right" key={item.key}>
              <a
                href={item.href}
                aria-label={label}
                aria-current={active ? "page" : undefined}
                data-nav={item.key}
                class="nav-link"
              >
                <Icon size={20} aria-hidden="true" />
                <span class="nav-label" aria-hidden="true">{item.label}</span>
                {badge > 0 && <span class="nav-badge" data-badge={item.key}>{shown}</span>}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
