// OneLake through its ADLS Gen2 DFS API: List Paths (`?resource=filesystem&directory=…`, continued with the
// x-ms-continuation header) and Read (whole files for the Delta log, `Range: bytes=a-b` slices for Parquet, so a
// file is never held whole). Tokens are for the Azure Storage audience. 429/503 wait for Retry-After (bounded,
// then RateLimitedError parks the run); a 401 mints a new token once; 404 is FileGoneError (a vacuumed file).
import { type Clock, systemClock } from "../../../http/clock.ts";
import {
  RateLimitedError,
  SourceAuthError,
  SourceBlockedError,
  SourceRequestError,
  SourceUnavailableError,
} from "../../../http/errors.ts";
import { bodyExcerpt, redactUrl } from "../../../http/redact.ts";
import type { MicrosoftTokenSource } from "../../microsoft/identity.ts";
import { defaultAddressGuard, type SourceAddressGuard } from "../../../http/address_guard.ts";

export const STORAGE_SCOPE = "https://storage.azure.com/.default";
const API_VERSION = "2023-11-03";

export interface OneLakeOptions {
  clock?: Clock;
  maxAttempts?: number;
  /** Longest Retry-After slept through (default 60 s). */
  maxWaitMs?: number;
  backoffBaseMs?: number;
  timeoutMs?: number;
  onRequest?: () => void;
  /** Awaited right before each request is sent (the engine's request journal); its failure is not retried. */
  beforeSend?: () => Promise<void>;
  /** Which addresses OneLake may be reached at (address_guard.ts); default public only, as for every source. */
  addressGuard?: SourceAddressGuard;
}

export interface PathEntry {
  name: string;
  contentLength: number;
  isDirectory: boolean;
}

/** A file the log names is gone (404): vacuumed or compacted away. */
export class FileGoneError extends Error {
  override readonly name = "FileGoneError";
  constructor(readonly path: string) {
    super(`${path} is gone from OneLake (vacuumed or compacted)`);
  }
}

export class OneLakeClient {
  readonly root: URL;
  private readonly clock: Clock;
  requests = 0;

  constructor(
    onelakeUrl: string,
    readonly workspace: string,
    private readonly tokens: MicrosoftTokenSource,
    private readonly options: OneLakeOptions = {},
  ) {
    this.root = new URL(onelakeUrl.replace(/\/+$/, ""));
    this.clock = options.clock ?? systemClock;
  }

  /** Every entry directly under `directory` (relative to the workspace), following continuations. */
  async list(directory: string): Promise<PathEntry[]> {
    const out: PathEntry[] = [];
    let continuation: string | null = null;
    do {
      const url = this.url("");
      url.searchParams.set("resource", "filesystem");
      url.searchParams.set("directory", directory);
      url.searchParams.set("recursive", "false");
      if (continuation) url.searchParams.set("continuation", continuation);
      const res = await this.send(url, {});
      const body = JSON.parse(new TextDecoder().decode(res.bytes)) as { paths?: Array<Record<string, unknown>> };
      for (const p of body.paths ?? []) {
        out.push({
          name: String(p.name),
          contentLength: Number(p.contentLength ?? 0),
          isDirectory: p.isDirectory === true || p.isDirectory === "true",
        });
      }
      continuation = res.headers.get("x-ms-continuation");
    } while (continuation);
    return out;
  }

  /** A whole (small) file as text: Delta log commits, _last_checkpoint. */
  async readText(path: string): Promise<string> {
    return new TextDecoder().decode((await this.send(this.url(path), {}, path)).bytes);
  }

  /** Bytes [start, end) of a file. */
  async readRange(path: string, start: number, end: number): Promise<ArrayBuffer> {
    const res = await this.send(this.url(path), { range: `bytes=${start}-${end - 1}` }, path);
    return res.bytes.buffer.slice(res.bytes.byteOffset, res.bytes.byteOffset + res.bytes.byteLength) as ArrayBuffer;
  }

  private url(path: string): URL {
    const segments = [this.workspace, ...path.split("/").filter(Boolean)].map(encodeURIComponent);
    return new URL(`${this.root.href.replace(/\/+$/, "")}/${segments.join("/")}`);
  }

  private async send(url: URL, headers: Record<string, string>, path?: string) {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const maxWaitMs = this.options.maxWaitMs ?? 60_000;
    let refreshed = false;
    for (let attempt = 1;; attempt++) {
      // the token source is shared by runs: its request, when one is needed, counts in this one
      const token = await this.tokens.token(STORAGE_SCOPE, this.options.beforeSend);
      this.requests++;
      this.options.onRequest?.();
      const details = (status?: number, excerpt?: string) => ({
        method: "GET",
        url: redactUrl(url),
        attempts: attempt,
        status,
        excerpt,
      });
      let response: Response;
      let bytes: Uint8Array;
      const guard = this.options.addressGuard ?? defaultAddressGuard();
      await this.options.beforeSend?.();
      try {
        // the same connect-time address check as every source request; a redirect is not followed (it would carry
        // the storage token to wherever it points)
        response = await guard.fetch(url, {
          headers: { ...headers, authorization: `Bearer ${token}`, "x-ms-version": API_VERSION },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        });
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch (e) {
        const refused = guard.refusal(e, url.hostname);
        if (refused) throw new SourceBlockedError(refused.message, details());
        if (attempt >= maxAttempts) throw new SourceUnavailableError(`network error (${(e as Error).name})`, details());
        await this.clock.sleep(this.backoff(attempt));
        continue;
      }
      const status = response.status;
      const text = () => bodyExcerpt(new TextDecoder().decode(bytes.slice(0, 2000)), this.tokens.secrets);
      if (status === 429 || status === 503) {
        const after = Number(response.headers.get("retry-after"));
        const wait = Number.isFinite(after) && after >= 0 ? after * 1000 : this.backoff(attempt);
        if (wait > maxWaitMs || attempt >= maxAttempts) {
          throw new RateLimitedError({
            ...details(status, text()),
            resumeAt: new Date(this.clock.now() + wait),
            reason: status === 429 ? "OneLake throttled the requests" : "OneLake unavailable",
          });
        }
        await this.clock.sleep(wait);
        continue;
      }
      if (status === 401 && !refreshed) {
        refreshed = true;
        this.tokens.invalidate(STORAGE_SCOPE);
        continue;
      }
      if (status === 401 || status === 403) {
        throw new SourceAuthError(
          status === 401 ? "OneLake refused the token" : "no access to the workspace",
          details(status, text()),
        );
      }
      if (status === 404 && path) throw new FileGoneError(path);
      if (status >= 500) {
        if (attempt >= maxAttempts) throw new SourceUnavailableError("server error", details(status, text()));
        await this.clock.sleep(this.backoff(attempt));
        continue;
      }
      if (status >= 400) throw new SourceRequestError("request rejected", details(status, text()));
      return { bytes, headers: response.headers };
    }
  }

  private backoff(attempt: number): number {
    return Math.min(30_000, (this.options.backoffBaseMs ?? 500) * 2 ** (attempt - 1));
  }
}
