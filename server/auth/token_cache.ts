// Verified session tokens, remembered per signing key: a browser or API client sends the same token with every
// request, and checking its HMAC again each time cost more than the rest of a small API request. A token is
// immutable, so a positive result stays true until the token expires (rechecked at every use); the signing key is
// part of the lookup, so a token is never accepted under another key. Bounded: the oldest entries go first.
import { type SessionClaims, verifySession } from "./jwt.ts";

const MAX_ENTRIES = 5_000;
const byKey = new WeakMap<Uint8Array, Map<string, SessionClaims>>();

/** verifySession with memory: same result and errors, without recomputing the signature of a known token. */
export async function verifySessionCached(key: Uint8Array, token: string, now = Date.now()): Promise<SessionClaims> {
  let known = byKey.get(key);
  const hit = known?.get(token);
  if (hit && now < hit.expiresAtMs) return hit;
  if (hit) known!.delete(token);
  const claims = await verifySession(key, token, now);
  if (!known) byKey.set(key, known = new Map());
  if (known.size >= MAX_ENTRIES) known.delete(known.keys().next().value!);
  known.set(token, claims);
  return claims;
}
