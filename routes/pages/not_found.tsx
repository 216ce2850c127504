// 404 content, shown inside the shell when signed in, on its own otherwise.
export function NotFound(props: { path: string; signedIn: boolean }) {
  return (
    <section class="mx-auto flex max-w-lg flex-col items-center py-16 text-center" id="not-found">
      <p
        class="bg-clip-text text-7xl font-bold text-transparent"
        style={{ backgroundImage: "var(--gradient-1-2)" }}
      >
        404
      </p>
      <h2 class="mt-4 text-xl font-semibold">Page not found</h2>
      <p class="mt-2 break-all text-sm text-muted">
        Nothing lives at <code class="rounded bg-sunken px-1.5 py-0.5">{props.path}</code>.
      </p>
      <a href={props.signedIn ? "/" : "/login"} class="btn btn-primary mt-6">
        {props.signedIn ? "Back to the jobs" : "Sign in"}
      </a>
    </section>
  );
}
