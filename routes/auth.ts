// POST /auth/login and /auth/logout. Login accepts JSON (API clients; the token is returned for Bearer use) or
// a plain HTML form (the login page; answered with a redirect). Either way the token is also set as an HttpOnly,
// SameSite=Strict cookie, Secure when served over https.
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { getConnInfo } from "hono/deno";
import { z } from "zod";
import type { AppEnv } from "../server/context.ts";
import { ApiError, errorBody, isFormPost } from "../server/http_errors.ts";
import { apiRouter } from "../server/api/route.ts";
import { errorResponse } from "../server/api/schemas.ts";
import { role, sessionToken } from "../server/api/shapes.ts";
import { type Role, signSession, TOKEN_TTL_SECONDS } from "../server/auth/jwt.ts";
import { dummyHash, verifyPassword } from "../server/auth/password.ts";
import { claimLoginAttempt, recordLoginSuccess } from "../server/auth/throttle.ts";
import { findUserByEmail, findUserById, revokeTokens, setPassword } from "../server/auth/users.ts";
import { authenticate, sameOrigin, sessionCookieName } from "../server/auth/middleware.ts";
import { KdfGate } from "../server/auth/kdf_gate.ts";
import { log } from "../lib/log.ts";

const loginSchema = z.object({
  email: z.string({ error: "required" }).trim().min(1, "required").max(320, "must be at most 320 characters")
    .email("must be an e-mail address"),
  password: z.string({ error: "required" }).min(1, "required").max(1024, "must be at most 1024 characters"),
  next: z.string({ error: "must be a path" }).max(2000, "must be at most 2000 characters").optional()
    .meta({ description: "form posts: where to go after signing in (same-site paths only)" }),
});

function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * Only same-site paths are followed after login (no open redirect). Control characters and backslashes are refused
 * outright (browsers strip or rewrite them, turning "/\t/evil" into "//evil"), then the path must resolve to our
 * own origin.
 */
export function safeNext(next: string | undefined): string {
  // deno-lint-ignore no-control-regex -- matching control characters is the point here
  if (!next || !next.startsWith("/") || /[\x00-\x20\x7f\\]/.test(next)) return "/";
  const base = "http://sluice.invalid";
  const url = new URL(next, base);
  return url.origin === base ? url.pathname + url.search + url.hash : "/";
}

/** Error codes the login page turns into fixed messages (arbitrary text from the URL is never shown). */
export type LoginErrorCode = "invalid_credentials" | "too_many_attempts" | "validation_failed" | "busy";

const gate = new KdfGate(4);

const passwordSchema = z.object({
  currentPassword: z.string({ error: "required" }).min(1, "required").max(1024, "must be at most 1024 characters"),
  newPassword: z.string({ error: "required" }).min(12, "must be at least 12 characters")
    .max(1024, "must be at most 1024 characters"),
}).strict();

/** Sign-in and password bodies are small; the app-wide /auth limit is the same. */
const AUTH_BODY_LIMIT = 16 * 1024;

const loginAnswer = z.object({
  ...sessionToken,
  user: z.object({ id: z.number().int(), email: z.string(), role, tenantId: z.number().int() }),
  mustChangePassword: z.boolean().meta({ description: "a one-time password is in use: change it first" }),
});

const redirect = { description: "form posts: redirect to the next page, or back to /login?error=<code>" };

function isSecure(c: Context<AppEnv>) {
  const publicUrl = c.get("deps").config.PUBLIC_URL;
  return new URL(c.req.url).protocol === "https:" || (publicUrl?.startsWith("https:") ?? false);
}

/** Signs a session token for the user and sets it as the HttpOnly, SameSite=Strict session cookie. */
async function issueSession(
  c: Context<AppEnv>,
  user: { id: number; tenant_id: number; role: Role; email: string },
  now = Date.now(),
): Promise<string> {
  const token = await signSession(c.get("deps").keys.jwt, {
    userId: user.id,
    tenantId: user.tenant_id,
    role: user.role,
    email: user.email,
  }, now);
  setCookie(c, sessionCookieName(isSecure(c)), token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: isSecure(c),
    path: "/",
    maxAge: TOKEN_TTL_SECONDS,
  });
  return token;
}

export function authRoutes() {
  const r = apiRouter("/auth", "auth");
  // responses here carry tokens or decide sessions: never cache them
  r.app.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });
  r.app.use("/login", async (c, next) => {
    if (!sameOrigin(c)) throw new ApiError(403, "cross_site_request", "cross-site request refused");
    await next();
  });

  r.route({
    method: "post",
    path: "/login",
    summary: "Sign in",
    description: "JSON (API clients: the token is returned for Bearer use) or an HTML form (the login page: " +
      "answered with a redirect). Either way the token is also set as an HttpOnly, SameSite=Strict cookie. Failed " +
      "attempts are throttled per e-mail and address.",
    security: "none",
    body: loginSchema,
    form: true,
    bodyLimit: AUTH_BODY_LIMIT,
    onInvalidInput: (c) => (isFormPost(c) ? c.redirect("/login?error=validation_failed", 303) : undefined),
    responses: {
      200: { description: "signed in", schema: loginAnswer },
      303: redirect,
      401: errorResponse("wrong e-mail or password (one message for both)"),
      403: errorResponse("a cross-site request"),
      429: errorResponse("too many failed attempts; Retry-After says when to try again"),
      503: errorResponse("too many sign-ins at once; try again in a moment"),
    },
  }, async (c, { body }) => {
    const form = isFormPost(c);
    const fail = (status: 401 | 429 | 503, code: LoginErrorCode, message: string) => {
      if (form) {
        const q = new URLSearchParams({ error: code, ...(body.next ? { next: body.next } : {}) });
        return c.redirect(`/login?${q}`, 303);
      }
      return c.json(errorBody(code, message), status);
    };

    const { db } = c.get("deps");
    const { email, password } = body;
    const ip = clientIp(c);
    const wait = await claimLoginAttempt(db, email, ip);
    if (wait > 0) {
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      return fail(429, "too_many_attempts", `too many failed attempts; try again in ${Math.ceil(wait / 1000)} s`);
    }
    const user = await findUserByEmail(db, email);
    const checked = await gate.tryRun(async () =>
      user?.password_hash
        ? await verifyPassword(password, user.password_hash)
        : (await verifyPassword(password, await dummyHash()), false)
    );
    if (!checked) {
      c.header("Retry-After", "1");
      return fail(503, "busy", "too many sign-ins at once; try again in a moment");
    }
    if (!user || !checked.value || !user.active) {
      log.info("login failed", { email: email.toLowerCase(), ip });
      return fail(401, "invalid_credentials", "wrong e-mail or password");
    }
    await recordLoginSuccess(db, email, ip);
    await db.query("UPDATE users SET last_login_at = now() WHERE id = $1", [user.id]);
    const token = await issueSession(c, user);
    log.info("login", { userId: user.id, tenantId: user.tenant_id });
    if (form) return c.redirect(safeNext(body.next), 303);
    return c.json({
      token,
      tokenType: "Bearer" as const,
      expiresIn: TOKEN_TTL_SECONDS,
      user: { id: user.id, email: user.email, role: user.role, tenantId: user.tenant_id },
      mustChangePassword: user.must_change_password,
    });
  });

  r.route({
    method: "post",
    path: "/logout",
    summary: "Sign out everywhere",
    description: "Revokes every token issued to the account so far and clears the session cookie. A form post is " +
      "answered with a redirect to /login.",
    responses: { 204: { description: "signed out" }, 303: { description: "form posts: redirect to /login" } },
  }, async (c) => {
    const auth = await authenticate(c);
    if ("reason" in auth) throw new ApiError(401, "unauthorized", auth.reason);
    if (auth.via === "cookie" && !sameOrigin(c)) {
      throw new ApiError(403, "cross_site_request", "cross-site request refused");
    }
    await revokeTokens(c.get("deps").db, auth.userId);
    deleteCookie(c, sessionCookieName(isSecure(c)), { path: "/", secure: isSecure(c) });
    log.info("logout", { userId: auth.userId });
    return isFormPost(c) ? c.redirect("/login", 303) : c.body(null, 204);
  });

  // Change one's own password (also the way out of a first-start one-time password): revokes every earlier
  // token and returns a fresh one.
  r.route({
    method: "post",
    path: "/password",
    summary: "Change one's own password",
    description: "Also the way out of a first-start one-time password. Revokes every earlier token and returns a " +
      "fresh one (also set as the session cookie).",
    body: passwordSchema,
    bodyLimit: AUTH_BODY_LIMIT,
    responses: {
      200: { description: "changed", schema: z.object(sessionToken) },
      400: errorResponse("a value is invalid, the current password is wrong, or the new one equals it"),
      503: errorResponse("too many password checks at once; try again in a moment"),
    },
  }, async (c, { body: { currentPassword, newPassword } }) => {
    const auth = await authenticate(c);
    if ("reason" in auth) throw new ApiError(401, "unauthorized", auth.reason);
    if (auth.via === "cookie" && !sameOrigin(c)) {
      throw new ApiError(403, "cross_site_request", "cross-site request refused");
    }
    const { db } = c.get("deps");
    const user = await findUserById(db, auth.userId);
    const ok = await gate.tryRun(() => verifyPassword(currentPassword, user?.password_hash ?? ""));
    if (!ok) throw new ApiError(503, "busy", "too many password checks at once; try again in a moment");
    if (!user || !ok.value) {
      throw new ApiError(400, "validation_failed", "currentPassword: is wrong", [
        { field: "currentPassword", message: "is wrong" },
      ]);
    }
    if (newPassword === currentPassword) {
      throw new ApiError(400, "validation_failed", "newPassword: must differ from the current password", [
        { field: "newPassword", message: "must differ from the current password" },
      ]);
    }
    const now = Date.now();
    await setPassword(db, user.id, newPassword, new Date(now));
    // issued just after the revocation instant, so the new token is valid and every older one is not
    const token = await issueSession(c, user, now + 1);
    log.info("password changed", { userId: user.id });
    return c.json({ token, tokenType: "Bearer" as const, expiresIn: TOKEN_TTL_SECONDS });
  });

  return r.app;
}
