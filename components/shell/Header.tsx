// Sticky top bar (≥ 72 px): tenant logo in a fixed 120 px box, product and page title, page actions, user menu.
// On small screens a menu button opens the sidebar drawer (a native popover, no JS) and the logo shrinks to its
// mark, so the page title keeps its room and wraps rather than being cut.
import type { ComponentChildren } from "preact";
import { Menu } from "lucide-preact";
import { UserMenu } from "./UserMenu.tsx";
import { NAV_ID } from "./Sidebar.tsx";

export interface ShellUser {
  email: string;
  role: "admin" | "user" | "viewer";
}

export interface ShellTenant {
  name: string;
  logoUrl: string | null;
}

export const DEFAULT_TENANT_LOGO = "/static/logos/sluice.svg";

/** `actions` sits before the user menu: the page supplies interactive parts (the theme toggle island) there, so this
 * server component imports no island. */
export function Header(props: { user: ShellUser; tenant: ShellTenant; title: string; actions?: ComponentChildren }) {
  return (
    <header class="app-header flex items-center gap-3 px-3 md:px-5">
      <button type="button" popovertarget={NAV_ID} class="icon-btn shrink-0 md:hidden" aria-label="Navigation menu">
        <Menu size={20} aria-hidden="true" />
      </button>
      <a
        href="/"
        class="flex h-10 w-8 shrink-0 items-center gap-2 overflow-hidden md:w-[120px]"
        aria-label={`${props.tenant.name} home`}
        data-tenant-logo
      >
        {props.tenant.logoUrl
          ? (
            <img
              src={props.tenant.logoUrl}
              alt={`${props.tenant.name} logo`}
              class="tenant-logo max-h-10 max-w-full object-contain"
            />
          )
          : (
            <>
              <img src={DEFAULT_TENANT_LOGO} alt="" width={32} height={32} class="tenant-logo shrink-0" />
              <span class="hidden truncate text-sm font-semibold md:inline">{props.tenant.name}</span>
            </>
          )}
      </a>
      <div class="min-w-0 flex-1 border-l border-line pl-3">
        <p class="hidden text-xs font-semibold uppercase tracking-[0.2em] text-muted sm:block">Sluice</p>
        <h1 class="break-words text-base font-semibold leading-5 sm:text-lg sm:leading-6" id="page-title">
          {props.title}
        </h1>
      </div>
      {props.actions}
      <UserMenu email={props.user.email} role={props.user.role} />
    </header>
  );
}
