// JSON-lines logger. Fields whose names look secret are masked, and values that look like credentials
// (bearer tokens, JWTs, URL passwords) are scrubbed, so a careless call site cannot leak a secret.
export type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /pass(word)?|secret|token|authorization|api[_-]?key|credential|cookie/i;

// the process default comes from LOG_LEVEL (serve re-applies the validated value); tests run with LOG_LEVEL=error
const envLevel = (() => {
  try {
    return Deno.env.get("LOG_LEVEL")?.toLowerCase();
  } catch {
    return undefined;
  }
})();
let threshold: Level = envLevel && envLevel in order ? envLevel as Level : "info";
let sink: (line: string) => void = (line) => console.log(line);

export function setLogLevel(level: Level) {
  threshold = level;
}

/** Tests capture output through this. */
export function setLogSink(fn: (line: string) => void) {
  const previous = sink;
  sink = fn;
  return () => {
    sink = previous;
  };
}

export function scrubText(text: string): string {
  return text
    .replace(/(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]")
    .replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[redacted-jwt]")
    .replace(/(\w+:\/\/[^:/\s]+:)[^@\s]+@/g, "$1[redacted]@");
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[deep]";
  if (typeof value === "string") return scrubText(value);
  if (value instanceof Error) return { name: value.name, message: scrubText(value.message) };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined && typeof v !== "boolean" &&
          typeof v !== "number"
        ? "[redacted]"
        : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>) {
  if (order[level] < order[threshold]) return;
  const record = { time: new Date().toISOString(), level, msg: scrubText(msg), ...(redact(fields ?? {}) as object) };
  sink(JSON.stringify(record));
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
