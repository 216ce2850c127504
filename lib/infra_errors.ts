// Which failures are the infrastructure's (the database or the broker is down, restarting or unreachable) rather
// than the message's. A message that fails because PostgreSQL is restarting has done nothing wrong: it waits with
// back-off and runs again without using up its attempts (runner.ts), so an outage costs time, not dead letters.

// SQLSTATE classes and codes that mean "the server is going away or not accepting work yet".
const SQLSTATES = new Set([
  "57P01", // admin_shutdown (terminated by administrator, or a fast shutdown)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now ("the database system is starting up / shutting down")
  "53300", // too_many_connections (a restart's reconnect storm)
]);
const SQLSTATE_CLASSES = ["08"]; // connection exceptions

// Driver and socket codes (postgres.js, Deno's node compatibility layer, Deno errors).
const CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTCONN",
]);

const MESSAGES = new RegExp(
  [
    "the database system is (shutting down|starting up|in recovery mode|not yet accepting connections)",
    "terminating connection due to administrator command",
    "server closed the connection unexpectedly",
    "connection (refused|reset|closed|terminated|ended)",
    "broken pipe",
    "socket not connected",
    "channel( \\d+)? (is )?closed",
    "connection not cleanly closed",
    "reading 'write'", // postgres.js nextWrite on a connection the server dropped (porsager/postgres#1154)
  ].join("|"),
  "i",
);

const HTTP_CLIENT = /fetch failed|error sending request|^network error/i;

const DENO_ERRORS = ["ConnectionRefused", "ConnectionReset", "ConnectionAborted", "BrokenPipe", "NotConnected"];

/** True when `error` (or an error in its cause chain) says the database or broker is unavailable. */
export function isInfrastructureError(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof e !== "object") return typeof e === "string" && MESSAGES.test(e);
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    // HTTP services (a source, the embedder, Qdrant) being down is theirs to report, not an outage of ours
    if (typeof name === "string" && /^(Source\w*|RateLimited)Error$/.test(name)) return false;
    if (typeof message === "string" && HTTP_CLIENT.test(message)) return false;
    if (typeof code === "string") {
      if (SQLSTATES.has(code) || CODES.has(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
    }
    if (typeof name === "string" && (DENO_ERRORS.includes(name) || name === "AMQPError")) {
      // an AMQPError is always the broker connection's (frames, channels, sockets), never a message's
      return true;
    }
    if (typeof message === "string" && MESSAGES.test(message)) return true;
  }
  return false;
}
