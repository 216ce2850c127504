// GET /logout: signing out changes state, so it is a POST (CSRF-checked); this page only asks for it.
export function LogoutPage(props: { email: string }) {
  return (
    <section class="mx-auto max-w-md py-12" id="logout">
      <form method="post" action="/auth/logout" class="card space-y-4 p-6 text-center">
        <h2 class="text-lg font-semibold">Sign out?</h2>
        <p class="text-sm text-muted">You are signed in as {props.email}.</p>
        <div class="flex justify-center gap-2">
          <a href="/" class="btn">Stay signed in</a>
          <button type="submit" class="btn btn-primary">Sign out</button>
        </div>
      </form>
    </section>
  );
}
