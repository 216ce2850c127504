// Deterministic ids for vector points (RFC 9562 UUIDv5: SHA-1 of a namespace and a name), so the same row always
// maps to the same point in any store and a re-run overwrites instead of duplicating. Hashing uses node:crypto's
// synchronous digests: per-document crypto.subtle calls cost more than the embedding itself.
import { createHash } from "node:crypto";

/** Namespace of Sluice point ids (a fixed random UUID). */
export const POINT_NAMESPACE = "5b0f3c2e-8d1a-4f6b-9e3c-2a7d4c1b8e90";

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replaceAll("-", "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));
}

const NAMESPACE_BYTES = uuidBytes(POINT_NAMESPACE);

export function uuidV5(name: string, namespace = POINT_NAMESPACE): string {
  const ns = namespace === POINT_NAMESPACE ? NAMESPACE_BYTES : uuidBytes(namespace);
  const hash = new Uint8Array(createHash("sha1").update(ns).update(name, "utf8").digest()).slice(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The point of one row's content vector. */
export function pointId(tenantId: number, table: string, recordId: number, vectorType = "content"): string {
  return uuidV5(`${tenantId}:${table}:${recordId}:${vectorType}`);
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
