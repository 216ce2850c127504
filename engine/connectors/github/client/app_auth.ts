// GitHub App authentication: a JWT signed RS256 with the App's private key (iat 60 s in the past for clock drift,
// exp 9 minutes ahead — GitHub refuses more than 10) authenticates as the App; it is exchanged for an installation
// token (POST /app/installations/{id}/access_tokens), which expires after an hour. The token is cached for the
// whole process — a run's chunks, its continued chunks and concurrent runs each build their own client, and all of
// them reuse it — and minted again five minutes before it expires, or at once when GitHub refuses it (401).
import { createHash, createPrivateKey } from "node:crypto";
import { importPKCS8, SignJWT } from "jose";
import type { SourceHttpClient } from "../../../http/client.ts";
import { SourceRequestError } from "../../../http/errors.ts";
import { GitHubConfigError } from "../settings.ts";

const REFRESH_BEFORE_MS = 5 * 60_000;

export interface AppAuthOptions {
  /** REST API base URL (part of the cache key: one App may be installed on github.com and on a GHES). */
  apiUrl: string;
  appId: string | number;
  privateKey: string;
  /** Known installation; found from the owner logins otherwise. */
  installationId?: number;
  owners: readonly string[];
  now?: () => number;
}

interface InstallationToken {
  token: string;
  expiresAt: number;
}

/**
 * Installation tokens (and mints in flight) shared by every client of this process, in memory only. The key names
 * the API, the App, the installation (or the owners it is looked up by) and a digest of the private key, so a
 * changed key or another App never receives this one's token.
 */
const sharedTokens = new Map<string, InstallationToken>();
const sharedMints = new Map<string, Promise<InstallationToken>>();

function cacheKey(o: AppAuthOptions): string {
  const key = createHash("sha256").update(o.privateKey).digest("hex");
  const installation = o.installationId ?? `owners:${[...o.owners].sort().join(",")}`;
  return JSON.stringify([o.apiUrl.replace(/\/+$/, ""), String(o.appId), installation, key]);
}

/** GitHub hands out PKCS#1 ("BEGIN RSA PRIVATE KEY") files; WebCrypto imports PKCS#8 only. */
export function toPkcs8(pem: string): string {
  if (pem.includes("BEGIN PRIVATE KEY")) return pem;
  try {
    return createPrivateKey(pem).export({ type: "pkcs8", format: "pem" }).toString();
  } catch {
    throw new GitHubConfigError("the GitHub App private key cannot be read (expected the App's .pem file)");
  }
}

export class GitHubAppAuth {
  #key: Promise<CryptoKey> | undefined;
  #installationId: number | undefined;
  readonly #cacheKey: string;
  /** The token this client last sent: the one a 401 refused. */
  #sent: string | undefined;
  readonly #now: () => number;
  /** Installation tokens this client minted (tests check the cache). */
  minted = 0;

  readonly #http: SourceHttpClient;

  /** `makeHttp` builds the REST client the App calls go through, authenticated by the given header source. */
  constructor(
    private readonly options: AppAuthOptions,
    makeHttp: (authorization: () => Promise<string>) => SourceHttpClient,
  ) {
    this.#installationId = options.installationId;
    this.#cacheKey = cacheKey(options);
    this.#now = options.now ?? Date.now;
    this.#http = makeHttp(async () => `Bearer ${await this.appJwt()}`);
  }

  /** A JWT that authenticates as the App itself (for the installation look-up and the token exchange). */
  async appJwt(): Promise<string> {
    this.#key ??= importPKCS8(toPkcs8(this.options.privateKey), "RS256");
    const key = await this.#key;
    const now = Math.floor(this.#now() / 1000);
    return await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(String(this.options.appId))
      .setIssuedAt(now - 60)
      .setExpirationTime(now + 9 * 60)
      .sign(key);
  }

  /** The current installation token, minted or refreshed when it is missing or about to expire. */
  async token(): Promise<string> {
    const current = sharedTokens.get(this.#cacheKey);
    if (current && current.expiresAt - this.#now() > REFRESH_BEFORE_MS) return this.#sent = current.token;
    let minting = sharedMints.get(this.#cacheKey);
    if (!minting) {
      minting = this.#mint().finally(() => sharedMints.delete(this.#cacheKey));
      sharedMints.set(this.#cacheKey, minting);
    }
    return this.#sent = (await minting).token;
  }

  /**
   * Forgets the token this client sent (GitHub answered 401: revoked or expired early), unless another client has
   * replaced it already — that one is fresh.
   */
  invalidate(): void {
    const current = sharedTokens.get(this.#cacheKey);
    if (current && current.token === this.#sent) sharedTokens.delete(this.#cacheKey);
  }

  /** The token, for scrubbing from error excerpts. */
  get secrets(): string[] {
    const current = sharedTokens.get(this.#cacheKey);
    return current ? [current.token] : [];
  }

  /** The App and its installation as GitHub describes them (connection test): name, account, permissions. */
  async describe(): Promise<{ app: Record<string, unknown>; installation: Record<string, unknown> }> {
    const app = await this.#http.request<Record<string, unknown>>({ path: "/app", endpoint: "GET /app" });
    const id = this.#installationId ?? await this.#findInstallation();
    this.#installationId = id;
    const installation = await this.#http.request<Record<string, unknown>>({
      path: `/app/installations/${id}`,
      endpoint: "GET /app/installations/{id}",
    });
    return { app: app.body, installation: installation.body };
  }

  async #mint(): Promise<InstallationToken> {
    const installation = this.#installationId ?? await this.#findInstallation();
    this.#installationId = installation;
    const res = await this.#http.request<{ token: string; expires_at: string }>({
      method: "POST",
      path: `/app/installations/${installation}/access_tokens`,
      body: {},
      endpoint: "POST /app/installations/{id}/access_tokens",
    });
    const expiresAt = Date.parse(res.body.expires_at);
    const token = { token: res.body.token, expiresAt: Number.isFinite(expiresAt) ? expiresAt : this.#now() + 3600_000 };
    sharedTokens.set(this.#cacheKey, token);
    this.minted++;
    return token;
  }

  async #findInstallation(): Promise<number> {
    for (const owner of this.options.owners) {
      for (const path of [`/orgs/${owner}/installation`, `/users/${owner}/installation`]) {
        try {
          const res = await this.#http.request<{ id: number }>({ path, endpoint: "GET installation" });
          return res.body.id;
        } catch (e) {
          if (!(e instanceof SourceRequestError && e.status === 404)) throw e;
        }
      }
    }
    throw new GitHubConfigError(
      `the GitHub App is not installed on ${this.options.owners.join(", ") || "any configured organization"}`,
    );
  }
}
