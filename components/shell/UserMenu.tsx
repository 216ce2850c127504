// Header user menu: the initials button opens a panel with who is signed in, the profile link and sign-out (a plain
// form POST). Built on the native popover attribute, which already gives toggling, light dismiss (click outside)
// and Escape — so this ships no JavaScript at all.
import { BookOpen, LogOut, UserRound } from "lucide-preact";
import { initials } from "../format.ts";

export function UserMenu(props: { email: string; role: string }) {
  return (
    <div class="relative">
      <button
        type="button"
        id="user-menu-button"
        popovertarget="user-menu"
        class="flex h-10 w-10 items-center justify-center rounded-full text-sm font-semibold"
        style={{ background: "var(--gradient-1-2)", color: "var(--on-gradient-1-2)" }}
        aria-label={`${initials(props.email)}: account menu for ${props.email}`}
      >
        {initials(props.email)}
      </button>
      <div popover="auto" id="user-menu" role="menu" class="user-menu card w-64 p-2 shadow-pop">
        <div class="border-b border-line px-3 pb-2 pt-1">
          <p class="truncate text-sm font-medium">{props.email}</p>
          <p class="text-xs capitalize text-muted">{props.role}</p>
        </div>
        <a
          href="/profile"
          role="menuitem"
          class="mt-1 flex items-center gap-2 rounded-md px-3 py-2 text-sm hover:bg-hover"
        >
          <UserRound size={16} aria-hidden="true" /> Profile settings
        </a>
        <a
          href="/api"
          role="menuitem"
          class="flex items-center gap-2 rounded-md px-3 py-2 text-sm hover:bg-hover"
        >
          <BookOpen size={16} aria-hidden="true" /> API reference
        </a>
        <form method="post" action="/auth/logout">
          <button
            type="submit"
            role="menuitem"
            id="sign-out"
            class="flex w-full items-center gap-2 rounded-md px-3 py-2 text-left text-sm hover:bg-hover"
          >
            <LogOut size={16} aria-hidden="true" /> Sign out
          </button>
        </form>
      </div>
    </div>
  );
}
