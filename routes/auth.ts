// POST /auth/login and /auth/logout. Login accepts JSON (API clients; the token is returned for Bearer use) or
// a plain HTML form (the login page; answered with a redirect). Either way the token is also set as an HttpOnly,
// SameSite=Strict cookie, Secure when served over https.
import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { getConnInfo } from "hono/deno";
import { z } from "zod";
import type { AppEnv } from "../server/context.ts";
import { ApiError, errorBody, parseJson, zodFields } from "../server/http_errors.ts";
import { type Role, signSession, TOKEN_TTL_SECONDS } from "../server/auth/jwt.ts";
import { dummyHash, verifyPassword } from "../server/auth/password.ts";
import { claimLoginAttempt, recordLoginSuccess } from "../server/auth/throttle.ts";
import { findUserByEmail, findUserById, revokeTokens, setPassword } from "../server/auth/users.ts";
import { authenticate, sameOrigin, sessionCookieName } from "../server/auth/middleware.ts";
import { KdfGate } from "../server/auth/kdf_gate.ts";
import { log } from "../lib/log.ts";

const loginSchema = z.object({
  email: z.string().trim().min(1, "required").max(320).email("must be an e-mail address"),
  password: z.string().min(1, "required").max(1024),
  next: z.string().optional(),
});

function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

function isForm(c: Context) {
  const type = c.req.header("content-type") ?? "";
  return type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data");
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
  currentPassword: z.string().min(1, "required").max(1024),
  newPassword: z.string().min(12, "must be at least 12 characters").max(1024),
});

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
  const app = new Hono<AppEnv>();
  // responses here carry tokens or decide sessions: never cache them
  app.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });

  app.post("/login", async (c) => {
    const form = isForm(c);
    if (!sameOrigin(c)) throw new ApiError(403, "cross_site_request", "cross-site request refused");
    let raw: unknown;
    try {
      raw = form ? Object.fromEntries(await c.req.formData()) : await c.req.json();
    } catch {
      raw = undefined;
    }
    const parsed = loginSchema.safeParse(raw ?? {});
    const fail = (status: 400 | 401 | 429 | 503, code: LoginErrorCode, message: string) => {
      if (form) {
        const next = parsed.success ? parsed.data.next : undefined;
        const q = new URLSearchParams({ error: code, ...(next ? { next } : {}) });
        return c.redirect(`/login?${q}`, 303);
      }
      const fields = !parsed.success ? zodFields(parsed.error) : undefined;
      return c.json(errorBody(code, message, fields), status);
    };
    if (!parsed.success) return fail(400, "validation_failed", "e-mail and password are required");

    const { db } = c.get("deps");
    const { email, password } = parsed.data;
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
    if (form) return c.redirect(safeNext(parsed.data.next), 303);
    return c.json({
      token,
      tokenType: "Bearer",
      expiresIn: TOKEN_TTL_SECONDS,
      user: { id: user.id, email: user.email, role: user.role, tenantId: user.tenant_id },
      mustChangePassword: user.must_change_password,
    });
  });

  app.post("/logout", async (c) => {
    const auth = await authenticate(c);
    if ("reason" in auth) throw new ApiError(401, "unauthorized", auth.reason);
    if (auth.via === "cookie" && !sameOrigin(c)) {
      throw new ApiError(403, "cross_site_request", "cross-site request refused");
    }
    await revokeTokens(c.get("deps").db, auth.userId);
    deleteCookie(c, sessionCookieName(isSecure(c)), { path: "/", secure: isSecure(c) });
    log.info("logout", { userId: auth.userId });
    return isForm(c) ? c.redirect("/login", 303) : c.body(null, 204);
  });

  // Change one's own password (also the way out of a first-start one-time password): revokes every earlier
  // token and returns a fresh one.
  app.post("/password", async (c) => {
    const auth = await authenticate(c);
    if ("reason" in auth) throw new ApiError(401, "unauthorized", auth.reason);
    if (auth.via === "cookie" && !sameOrigin(c)) {
      throw new ApiError(403, "cross_site_request", "cross-site request refused");
    }
    const { currentPassword, newPassword } = await parseJson(c, passwordSchema);
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
    return c.json({ token, tokenType: "Bearer", expiresIn: TOKEN_TTL_SECONDS });
  });

  return app;
}
