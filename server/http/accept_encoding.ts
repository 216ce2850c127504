// Accept-Encoding negotiation (RFC 9110 §12.5.3): the coding with the highest q-value among those we can send wins;
// `*` stands for any coding the header does not name; q=0 means "not acceptable". Ties go to the server's own
// order of preference. A missing header means any coding is acceptable, but we then send the body as it is, as
// user agents that compress always say so.
export type Coding = "br" | "gzip";

/** q-value per coding name (lower case), plus "*" when present. */
export function parseAcceptEncoding(header: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().split(";");
    const coding = name.trim().toLowerCase();
    if (!coding) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Math.min(1, Math.max(0, Number(m[1]) || 0));
    }
    // a coding named twice keeps its best q (lenient with sloppy clients)
    out.set(coding, Math.max(q, out.get(coding) ?? 0));
  }
  return out;
}

/** The coding to send, from `available` in order of preference, or null for the body as it is. */
export function chooseCoding(header: string | undefined | null, available: readonly Coding[]): Coding | null {
  if (!header) return null;
  const accepted = parseAcceptEncoding(header);
  const wildcard = accepted.get("*");
  let best: Coding | null = null;
  let bestQ = 0;
  for (const coding of available) {
    const q = accepted.get(coding) ?? (coding === "gzip" ? accepted.get("x-gzip") : undefined) ?? wildcard ?? 0;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}
