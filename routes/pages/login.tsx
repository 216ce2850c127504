// Sign-in page: a plain form POSTing to /auth/login (no JavaScript at all). Errors come back in ?error= and the
// page to return to in ?next= (only same-site paths are kept, see safeNext).
import { type LoginErrorCode, safeNext } from "../auth.ts";

/** Fixed texts for the codes /auth/login redirects with: text from the URL itself is never shown. */
const LOGIN_ERRORS: Record<LoginErrorCode, string> = {
  invalid_credentials: "Wrong e-mail or password.",
  too_many_attempts: "Too many failed attempts. Wait a little and try again.",
  validation_failed: "Enter your e-mail address and password.",
  busy: "Too many sign-ins at once. Try again in a moment.",
};

export function loginError(code: string | undefined): string | null {
  if (!code) return null;
  return Object.hasOwn(LOGIN_ERRORS, code) ? LOGIN_ERRORS[code as LoginErrorCode] : "Sign-in failed. Try again.";
}

export function LoginPage(props: { error?: string; next?: string }) {
  const error = loginError(props.error);
  return (
    <main class="flex min-h-screen items-center justify-center px-4 py-10">
      <div class="w-full max-w-sm">
        <div class="mb-6 flex flex-col items-center gap-3 text-center">
          <img src="/static/favicon.svg" alt="" width={56} height={56} class="rounded-2xl shadow-card" />
          <div>
            <h1 class="text-2xl font-semibold tracking-[0.2em]">SLUICE</h1>
            <p class="text-sm text-muted">Engineering data ETL</p>
          </div>
        </div>
        <form method="post" action="/auth/login" class="card space-y-4 p-6" id="login-form">
          <h2 class="text-base font-semibold">Sign in</h2>
          {error && <p role="alert" class="rounded-md px-3 py-2 text-sm tone-failed" id="login-error">{error}</p>}
          <input type="hidden" name="next" value={safeNext(props.next)} />
          <div>
            <label for="email" class="mb-1 block text-sm font-medium">E-mail</label>
            <input id="email" name="email" type="email" autocomplete="username" required class="input" autofocus />
          </div>
          <div>
            <label for="password" class="mb-1 block text-sm font-medium">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              class="input"
            />
          </div>
          <button type="submit" class="btn btn-primary w-full">Sign in</button>
        </form>
      </div>
    </main>
  );
}
