// Keeps credentials out of error messages and logs. URLs lose their user info and the values of query parameters
// whose names look secret; body excerpts lose Authorization-style values, JWTs and any literal secret the client
// knows about (the token itself, its base64 Basic form), because some servers echo request headers back in errors.

const SECRET_PARAM =
  /token|secret|passw|pwd|api[_-]?key|apikey|signature|^sig$|^code$|^auth$|authorization|credential|session/i;
export const EXCERPT_LIMIT = 300;

export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return "[unparseable url]";
  }
  url.username = "";
  url.password = "";
  for (const name of [...new Set(url.searchParams.keys())]) {
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, "[redacted]");
  }
  return url.toString();
}

/** Removes every known secret and anything shaped like a credential from free text. */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values would shred ordinary text; real tokens are long.
    if (secret && secret.length >= 6) out = out.split(secret).join("[redacted]");
  }
  return out
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]")
    .replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[redacted-jwt]")
    .replace(/(\w+:\/\/[^:/\s]+:)[^@\s]+@/g, "$1[redacted]@");
}

/** A one-line, ≤ 300-character, secret-free excerpt of a response body for error messages. */
export function bodyExcerpt(body: string, secrets: readonly string[] = []): string {
  const flat = scrubSecrets(body, secrets).replace(/\s+/g, " ").trim();
  return flat.length <= EXCERPT_LIMIT ? flat : `${flat.slice(0, EXCERPT_LIMIT - 1)}…`;
}
