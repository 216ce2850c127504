// Faults the fake injects on demand, each modelled on what Jira Cloud (or a proxy in front of it) really does:
// 429 with Retry-After and the rate-limit header family, 5xx (503 may carry Retry-After), slow responses, JSON cut
// off mid-body, an HTML page where JSON was expected (login/maintenance page with 200, gateway page with 502), an
// expired token (401 even with the right credentials) and a connection dropped mid-body.

export type FaultSpec =
  | {
    kind: "rate_limit";
    retryAfterSeconds?: number;
    /** Send Retry-After as an HTTP date instead of seconds. */
    httpDate?: boolean;
    /** RateLimit-Reason; default "jira-burst-based". */
    reason?: string;
    /** Send no Retry-After at all (the client must back off on its own). */
    omitRetryAfter?: boolean;
    /**
     * "jira" (default): Retry-After + RateLimit-Reason + X-RateLimit-*; "ietf": RateLimit-Limit/-Remaining/-Reset
     * (delta seconds) + RateLimit-Policy, no Retry-After; "beta": Jira's points-quota beta headers only.
     */
    headerStyle?: "jira" | "ietf" | "beta";
  }
  | { kind: "status"; status: number; retryAfterSeconds?: number }
  | { kind: "delay"; ms: number }
  | { kind: "truncated_json" }
  | { kind: "html"; status?: number }
  | { kind: "expired_token" }
  | { kind: "reset" };

export type Fault = FaultSpec & {
  /** Substring of the path, or a pattern; default: every path. */
  path?: string | RegExp;
  method?: string;
  /** How many matching requests get the fault (default 1; Infinity for "until cleared"). */
  times?: number;
};

export interface FaultHandle {
  readonly remaining: number;
  cancel(): void;
}

/** Any fault that says which requests it hits (path, method) and how many. */
export interface FaultTarget {
  path?: string | RegExp;
  method?: string;
  times?: number;
}

export class FaultQueue<F extends FaultTarget = Fault> {
  private faults: { fault: F; left: number }[] = [];

  add(fault: F): FaultHandle {
    const entry = { fault, left: fault.times ?? 1 };
    this.faults.push(entry);
    return {
      get remaining() {
        return entry.left;
      },
      cancel: () => {
        entry.left = 0;
      },
    };
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes and returns the first fault matching this request, if any. */
  take(method: string, path: string): F | undefined {
    for (const entry of this.faults) {
      const f = entry.fault;
      if (entry.left <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.path !== undefined && !(typeof f.path === "string" ? path.includes(f.path) : f.path.test(path))) {
        continue;
      }
      entry.left--;
      return f;
    }
    return undefined;
  }
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json;charset=UTF-8", ...headers },
  });
}

export function jiraError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return jsonResponse({ errorMessages: [message], errors: {} }, status, headers);
}

/** Jira's X-RateLimit-Reset format: ISO 8601 to the minute, "yyyy-MM-ddTHH:mmZ". */
export function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16) + "Z";
}

export function rateLimitResponse(
  spec: Extract<FaultSpec, { kind: "rate_limit" }>,
  nowMs: number,
  limit = 350,
): Response {
  const seconds = spec.retryAfterSeconds ?? 2;
  const reason = spec.reason ?? "jira-burst-based";
  if (spec.headerStyle === "ietf") {
    return jiraError(429, "Rate limit exceeded.", {
      "RateLimit-Limit": String(limit),
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": String(seconds),
      "RateLimit-Policy": `${limit};w=1`,
      "RateLimit-Reason": reason,
    });
  }
  if (spec.headerStyle === "beta") {
    return jiraError(429, "Rate limit exceeded.", {
      "Beta-Retry-After": String(seconds),
      "X-Beta-RateLimit-Reason": spec.reason ?? "jira-quota-tenant-based",
      "Beta-RateLimit-Policy": '"tenant-app-quota";q=100100;w=3600',
      "X-Beta-RateLimit-NearLimit": "true",
    });
  }
  const headers: Record<string, string> = {
    "RateLimit-Reason": reason,
    "X-RateLimit-Limit": String(limit),
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Reset": isoMinute(nowMs + seconds * 1000),
    "X-RateLimit-NearLimit": "true",
  };
  if (!spec.omitRetryAfter) {
    headers["Retry-After"] = spec.httpDate ? new Date(nowMs + seconds * 1000).toUTCString() : String(seconds);
  }
  return jiraError(429, "Rate limit exceeded.", headers);
}

export function htmlPage(status: number): Response {
  const title = status >= 500 ? "502 Bad Gateway" : "Log in with Atlassian account";
  return new Response(
    `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1>` +
      `<p>Atlassian is temporarily unavailable or you were signed out.</p></body></html>`,
    { status, headers: { "content-type": "text/html;charset=UTF-8" } },
  );
}

/** Keeps status and headers but cuts the JSON body in half, as a broken proxy or a crashed node would. */
export async function truncate(response: Response): Promise<Response> {
  const text = await response.text();
  const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(cut, { status: response.status, headers });
}

/** Announces the full length but sends half the body and ends: the client sees the connection drop mid-body. */
export async function resetMidBody(response: Response): Promise<Response> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const half = bytes.slice(0, Math.max(1, Math.floor(bytes.length / 2)));
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(half);
      controller.close();
    },
  });
  const headers = new Headers(response.headers);
  headers.set("content-length", String(bytes.length));
  return new Response(stream, { status: response.status, headers });
}

/** Resolves after `ms`, or at once when the server closes (so shutdown never waits for an injected delay). */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
