// The signed-in page frame: header, sidebar, main content and the page's toast stack.
import type { ComponentChildren } from "preact";
import type { Signal } from "@preact/signals";
import { ToastContainer } from "../ui/ToastContainer.tsx";
import type { Theme } from "../theme.ts";
import { Header, type ShellTenant, type ShellUser } from "./Header.tsx";
import { Sidebar } from "./Sidebar.tsx";

/** Key of the highlighted sidebar entry (nav.ts), or "none". */
export type NavKey = string;

export interface ShellProps {
  user: ShellUser;
  tenant: ShellTenant;
  title: string;
  active: NavKey;
  theme: Signal<Theme>;
  /** Counts shown on sidebar entries, by nav key (e.g. work items with unmapped statuses on "statuses"). */
  badges?: Record<string, number>;
  /** Interactive header parts (islands), supplied by the page so components import no island. */
  headerActions?: ComponentChildren;
  children: ComponentChildren;
}

export function Shell(props: ShellProps) {
  return (
    <div class="min-h-screen">
      <Header user={props.user} tenant={props.tenant} title={props.title} actions={props.headerActions} />
      <div class="app-body flex">
        <Sidebar user={props.user} active={props.active} badges={props.badges} />
        <main class="min-w-0 flex-1 px-4 py-6 md:px-8">{props.children}</main>
      </div>
      <ToastContainer />
    </div>
  );
}
