// Session tokens: HS256 JWTs signed with JWT_SECRET (jose). Only HS256 is accepted, so `alg: none` and algorithm
// confusion are refused by construction. `ims` (issued-at in ms) is compared with the user's tokens_valid_after,
// which logout bumps, to revoke every earlier token of that user.
import { jwtVerify, SignJWT } from "jose";

export type Role = "admin" | "user" | "viewer";
export const ROLES: readonly Role[] = ["admin", "user", "viewer"];

export interface SessionClaims {
  userId: number;
  tenantId: number;
  role: Role;
  email: string;
  issuedAtMs: number;
  expiresAtMs: number;
}

export const TOKEN_TTL_SECONDS = 8 * 60 * 60;
const ISSUER = "sluice";
const AUDIENCE = "sluice";

export function jwtKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signSession(
  key: Uint8Array,
  claims: Omit<SessionClaims, "issuedAtMs" | "expiresAtMs">,
  now = Date.now(),
  ttlSeconds = TOKEN_TTL_SECONDS,
): Promise<string> {
  return await new SignJWT({ tid: claims.tenantId, role: claims.role, email: claims.email, ims: now })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(String(claims.userId))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + ttlSeconds)
    .setJti(crypto.randomUUID())
    .sign(key);
}

export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

/** Verifies signature, algorithm, issuer, audience, expiry and claim shapes; throws InvalidTokenError. */
export async function verifySession(key: Uint8Array, token: string, now = Date.now()): Promise<SessionClaims> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: new Date(now),
      requiredClaims: ["sub", "exp", "iat"],
    }));
  } catch (e) {
    throw new InvalidTokenError((e as Error).name === "JWTExpired" ? "token expired" : "invalid token");
  }
  const userId = Number(payload.sub);
  const { tid, role, email, ims } = payload as Record<string, unknown>;
  if (
    !Number.isInteger(userId) || !Number.isInteger(tid) || !ROLES.includes(role as Role) ||
    typeof email !== "string" || typeof ims !== "number"
  ) {
    throw new InvalidTokenError("invalid token claims");
  }
  return {
    userId,
    tenantId: tid as number,
    role: role as Role,
    email,
    issuedAtMs: ims,
    expiresAtMs: (payload.exp as number) * 1000,
  };
}
