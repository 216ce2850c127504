// Server-rendered pages. (The islands shell and the jobs home page replace the placeholders here.)
import { Hono } from "hono";
import type { AppEnv } from "../server/context.ts";
import { renderToString } from "preact-render-to-string";
import { requirePageAuth } from "../server/auth/middleware.ts";
import { safeNext } from "./auth.ts";

function LoginPage(props: { error?: string; next?: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Sign in · Sluice</title>
      </head>
      <body>
        <main>
          <h1>Sluice</h1>
          <form method="post" action="/auth/login">
            {props.error && <p role="alert">{props.error}</p>}
            <input type="hidden" name="next" value={safeNext(props.next)} />
            <label>
              E-mail <input name="email" type="email" autocomplete="username" required />
            </label>
            <label>
              Password <input name="password" type="password" autocomplete="current-password" required />
            </label>
            <button type="submit">Sign in</button>
          </form>
        </main>
      </body>
    </html>
  );
}

const html = (vnode: preact.VNode) => "<!doctype html>" + renderToString(vnode);

export function pageRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/login", (c) => c.html(html(<LoginPage error={c.req.query("error")} next={c.req.query("next")} />)));
  app.get("/", requirePageAuth(), (c) => c.html(html(<p>Signed in as {c.get("auth").email}</p>)));
  return app;
}
