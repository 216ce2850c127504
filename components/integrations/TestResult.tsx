// The outcome of a connection test, in words: who the credentials belong to, the permissions or scopes the source
// reported and how long it took — or the failure as explained by the server (credentials refused, host not found,
// TLS, timeout, not the expected product …) with the raw error folded away for whoever needs it.
import type { TestAnswer } from "./types.ts";

const KIND: Record<string, string> = {
  auth: "Credentials refused",
  permission: "Missing permission",
  dns: "Host not found",
  tls: "TLS failure",
  refused: "Connection refused",
  timeout: "Timed out",
  wrong_product: "Not the expected service",
  server: "Server error",
  rate_limited: "Rate limited",
  blocked: "Address not allowed",
  config: "Configuration problem",
};

function who(user: Record<string, unknown> | undefined): string | null {
  if (!user) return null;
  const name = user.displayName ?? user.name ?? user.login;
  const id = user.emailAddress ?? user.email ?? user.accountId ?? user.login;
  return [name, id !== name ? id : null].filter((v) => typeof v === "string" && v).join(" · ") || null;
}

export function TestResult(props: { answer: TestAnswer; id?: string }) {
  const a = props.answer;
  const user = who(a.user);
  const granted = Object.entries(a.permissions ?? {}).map(([k, v]) =>
    `${k.replace(/_/g, " ").toLowerCase()} ${v ? "✓" : "✗"}`
  );
  const scopes = typeof a.details?.scopes === "string" && a.details.scopes ? `scopes: ${a.details.scopes}` : null;
  const latency = a.latencyMs !== undefined ? `${a.latencyMs} ms` : null;
  return (
    <div
      id={props.id}
      role="status"
      class={`rounded-lg px-3 py-2 text-sm ${a.ok ? "tone-finished" : "tone-failed"}`}
      data-test-result={a.ok ? "ok" : a.kind ?? "failed"}
    >
      <p class="font-semibold">
        {a.ok ? "Connected" : KIND[a.kind ?? ""] ?? "Connection failed"}
        {latency && <span class="font-normal">· {latency}</span>}
      </p>
      {a.ok
        ? (
          <p>
            {user ? `Signed in as ${user}` : "The source accepted the credentials"}
            {[...granted, scopes].filter(Boolean).length > 0 &&
              ` · ${[...granted, scopes].filter(Boolean).join(" · ")}`}
          </p>
        )
        : <p>{a.error ?? "The test failed."}</p>}
      {!a.ok && a.user && user && <p>Signed in as {user}, but {granted.join(", ")}</p>}
      {!a.ok && a.detail && (
        <details class="mt-1 text-xs">
          <summary class="cursor-pointer">Exact error</summary>
          <p class="mt-1 break-all">{a.detail}</p>
        </details>
      )}
    </div>
  );
}
