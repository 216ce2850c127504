// Sticky top bar (≥ 72 px): tenant logo in a fixed 120 px box, product and page title, page actions, user menu.
// On small screens a menu button (a <label> for the hidden #nav-toggle checkbox) slides the sidebar in, no JS.
import type { ComponentChildren } from "preact";
import { Menu } from "lucide-preact";
import { UserMenu } from "./UserMenu.tsx";

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
      <label for="nav-toggle" class="icon-btn md:hidden" aria-label="Show navigation">
        <Menu size={20} aria-hidden="true" />
      </label>
      <a
        href="/"
        class="flex h-10 w-[120px] shrink-0 items-center gap-2 overflow-hidden"
        aria-label={`${props.tenant.name} home`}
        data-tenant-logo
      >
        {props.tenant.logoUrl
          ? (
            <img
              src={props.tenant.logoUrl}
              alt={`${props.tenant.name} logo`}
              class="tenant-logo max-h-10 max-w-[120px] object-contain"
            />
          )
          : (
            <>
              <img src={DEFAULT_TENANT_LOGO} alt="" width={32} height={32} class="tenant-logo shrink-0" />
              <span class="truncate text-sm font-semibold">{props.tenant.name}</span>
            </>
          )}
      </a>
      <div class="min-w-0 flex-1 border-l border-line pl-3">
        <p class="text-xs font-semibold uppercase tracking-[0.2em] text-muted">Sluice</p>
        <h1 class="truncate text-lg font-semibold leading-6" id="page-title">{props.title}</h1>
      </div>
      {props.actions}
      <UserMenu email={props.user.email} role={props.user.role} />
    </header>
  );
}
