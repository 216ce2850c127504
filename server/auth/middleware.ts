// Authentication and authorization for every route group. The verified token is the only source of tenant and
// role; the token is accepted from the session cookie (browser) or an Authorization: Bearer header (API).
// Cookie-authenticated writes must come from our own origin (Origin / Sec-Fetch-Site), which stops CSRF.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv, AuthUser } from "../context.ts";
import { ApiError } from "../http_errors.ts";
import { InvalidTokenError } from "./jwt.ts";
import { verifySessionCached } from "./token_cache.ts";
import { accountCache } from "./account_cache.ts";

export const SESSION_COOKIE = "sluice_session";
/** Over https the cookie carries the __Host- prefix: the browser then insists on Secure, Path=/ and no Domain. */
export const SECURE_SESSION_COOKIE = "__Host-sluice_session";

export function sessionCookieName(secure: boolean) {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Resolves the caller from the request, or returns a reason it could not. */
export async function authenticate(c: Context<AppEnv>): Promise<AuthUser | { reason: string }> {
  const header = c.req.header("authorization");
  let token: string | undefined;
  let via: AuthUser["via"] = "bearer";
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return { reason: "malformed Authorization header" };
    token = m[1];
  } else {
    token = getCookie(c, SECURE_SESSION_COOKIE) ?? getCookie(c, SESSION_COOKIE);
    via = "cookie";
  }
  if (!token) return { reason: "not signed in" };
  const { keys, db } = c.get("deps");
  try {
    const claims = await verifySessionCached(keys.jwt, token);
    const user = await accountCache(db).get(claims.userId);
    // the token must still describe the account: same tenant and role, active, not revoked by logout
    if (
      !user || !user.active || user.tenant_id !== claims.tenantId || user.role !== claims.role ||
      claims.issuedAtMs < user.tokens_valid_after.getTime()
    ) {
      return { reason: "session revoked" };
    }
    return {
      userId: user.id,
      tenantId: user.tenant_id,
      role: user.role,
      email: user.email,
      via,
      issuedAtMs: claims.issuedAtMs,
      expiresAtMs: claims.expiresAtMs,
      mustChangePassword: user.must_change_password,
    };
  } catch (e) {
    if (e instanceof InvalidTokenError) return { reason: e.message };
    throw e;
  }
}

/** True when a browser request comes from this site (checked for cookie-authenticated writes and login). */
export function sameOrigin(c: Context<AppEnv>): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = c.req.header("origin");
  if (!origin) return true; // non-browser clients send neither header; a browser always sends one on writes
  const publicUrl = c.get("deps").config.PUBLIC_URL;
  const allowed = new Set([new URL(c.req.url).origin]);
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  const host = c.req.header("host");
  if (host) {
    allowed.add(`http://${host}`);
    allowed.add(`https://${host}`);
  }
  return allowed.has(origin);
}

/** While a one-time password is in use, the account may only read itself and change the password. */
function blockedByPasswordChange(auth: AuthUser, method: string, path: string) {
  return auth.mustChangePassword && !(method === "GET" && /\/app\/etl\/me\/?$/.test(path));
}

/** API guard: 401 JSON when not signed in. */
export function requireAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const result = await authenticate(c);
    if ("reason" in result) throw new ApiError(401, "unauthorized", result.reason);
    if (blockedByPasswordChange(result, c.req.method, c.req.path)) {
      throw new ApiError(403, "password_change_required", "change the one-time password first (POST /auth/password)");
    }
    if (result.via === "cookie" && !SAFE_METHODS.has(c.req.method) && !sameOrigin(c)) {
      throw new ApiError(403, "cross_site_request", "cross-site request refused");
    }
    c.set("auth", result);
    await next();
  };
}

/** Page guard: redirects to /login (keeping the target) when not signed in. */
export function requirePageAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const result = await authenticate(c);
    if ("reason" in result) {
      const target = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(target.pathname + target.search)}`, 303);
    }
    if (result.mustChangePassword && c.req.path !== "/profile") return c.redirect("/profile?password=required", 303);
    c.set("auth", result);
    await next();
  };
}
