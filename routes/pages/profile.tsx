// Profile: who is signed in, with which role in which tenant, and the theme choice (saved per user).
import type { Signal } from "@preact/signals";
import ThemeChoice from "../../islands/ThemeChoice.tsx";
import PasswordForm from "../../islands/PasswordForm.tsx";
import type { Theme } from "../../components/theme.ts";

const ROLE_TEXT: Record<string, string> = {
  admin: "Administrator: configures integrations, mappings and jobs",
  user: "User: watches jobs and starts runs",
  viewer: "Viewer: read-only access",
};

export function ProfilePage(
  props: { email: string; role: string; tenant: string; theme: Signal<Theme>; passwordRequired: boolean },
) {
  return (
    <div class="mx-auto max-w-2xl space-y-6" id="profile">
      {props.passwordRequired && (
        <p role="alert" class="card tone-limited px-5 py-3 text-sm" id="password-required">
          You signed in with a one-time password. Choose your own password to continue.
        </p>
      )}
      <section class="card p-6">
        <h2 class="mb-4 text-base font-semibold">Account</h2>
        <dl class="grid grid-cols-[8rem_1fr] gap-y-3 text-sm">
          <dt class="text-muted">E-mail</dt>
          <dd class="font-medium" data-profile="email">{props.email}</dd>
          <dt class="text-muted">Role</dt>
          <dd data-profile="role">
            <span class="badge tone-ready capitalize">{props.role}</span>
            <span class="ml-2 text-muted">{ROLE_TEXT[props.role] ?? ""}</span>
          </dd>
          <dt class="text-muted">Tenant</dt>
          <dd class="font-medium">{props.tenant}</dd>
        </dl>
      </section>
      <section class="card p-6">
        <h2 class="mb-1 text-base font-semibold">Theme</h2>
        <p class="mb-4 text-sm text-muted">Saved to your account and applied on every device you sign in from.</p>
        <ThemeChoice theme={props.theme} />
      </section>
      <section class="card p-6">
        <h2 class="mb-4 text-base font-semibold">Password</h2>
        <PasswordForm required={props.passwordRequired} />
      </section>
    </div>
  );
}
