// Microsoft identity platform, client-credentials flow (v2.0 token endpoint), shared by the Entra ID and Fabric
// connectors. One access token per resource scope (Graph's `.default` and Storage's are different audiences),
// cached until shortly before it expires; a 401 from the resource server drops the cached token so the next call
// mints a new one (a token revoked or expired early).
//
// The app proves itself with a client secret or, with certificate credentials, a client assertion signed by the
// certificate's private key (client_assertion.ts), minted afresh for every token request.
import { type Clock, systemClock } from "../../http/clock.ts";
import { SourceHttpClient, type SourceHttpClientOptions } from "../../http/client.ts";
import { SourceAuthError, SourceRequestError } from "../../http/errors.ts";
import { CLIENT_ASSERTION_TYPE, ClientAssertionSigner } from "./client_assertion.ts";
import { credentialSecret, type MicrosoftCredentials } from "./credentials.ts";

export {
  MicrosoftConfigError,
  type MicrosoftCredentials,
  microsoftCredentialsSchema,
  readMicrosoftCredentials,
} from "./credentials.ts";

export const DEFAULT_AUTHORITY = "https://login.microsoftonline.com";

interface TokenBody {
  token_type?: string;
  access_token?: string;
  expires_in?: number | string;
}

/** Refresh this long before the stated expiry (clock drift, a request in flight). */
const EXPIRY_MARGIN_MS = 60_000;

export type TokenHttpOptions = Omit<SourceHttpClientOptions, "baseUrl" | "authorization" | "secrets">;

/** Token sources by authority + credentials (secret or certificate): a token outlives a run (and a step) until it expires. */
const SOURCES = new Map<string, MicrosoftTokenSource>();
const MAX_SOURCES = 64;

export class MicrosoftTokenSource {
  /**
   * The process-wide source of these credentials, so every run and step of an integration reuses a token until it
   * expires. Its HTTP options are those of the first caller (token requests are few).
   */
  static shared(credentials: MicrosoftCredentials, authority = DEFAULT_AUTHORITY, http: TokenHttpOptions = {}) {
    const key = JSON.stringify([authority, credentials]);
    let source = SOURCES.get(key);
    if (!source) {
      if (SOURCES.size >= MAX_SOURCES) SOURCES.delete(SOURCES.keys().next().value!);
      source = new MicrosoftTokenSource(credentials, authority, http);
      SOURCES.set(key, source);
    }
    return source;
  }

  readonly http: SourceHttpClient;
  /** Tokens minted by this source (tests: caching and refresh after a 401). */
  minted = 0;
  readonly #cache = new Map<string, { token: string; expiresAt: number }>();
  readonly #pending = new Map<string, Promise<string>>();
  readonly #clock: Clock;

  constructor(
    private readonly credentials: MicrosoftCredentials,
    authority: string = DEFAULT_AUTHORITY,
    http: TokenHttpOptions = {},
  ) {
    this.#clock = http.clock ?? systemClock;
    this.http = new SourceHttpClient({
      ...http,
      provider: http.provider ?? "microsoft-identity",
      pacer: false,
      baseUrl: authority.replace(/\/+$/, ""),
      secrets: () => [credentialSecret(credentials)],
    });
  }

  /** Every literal secret this source holds (the client secret or private key, and tokens), for scrubbing. */
  get secrets(): string[] {
    return [credentialSecret(this.credentials), ...[...this.#cache.values()].map((t) => t.token)];
  }

  /**
   * A bearer token for `scope` (e.g. https://graph.microsoft.com/.default), minted once and reused until expiry.
   * `beforeSend`: the caller's run journal (requests_made); the source is shared by runs, so the run that needs the
   * token counts its request.
   */
  token(scope: string, beforeSend?: () => Promise<void>): Promise<string> {
    const cached = this.#cache.get(scope);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > this.#clock.now()) return Promise.resolve(cached.token);
    let pending = this.#pending.get(scope);
    if (!pending) {
      pending = this.#mint(scope, beforeSend).finally(() => this.#pending.delete(scope));
      this.#pending.set(scope, pending);
    }
    return pending;
  }

  /** Forgets the token of `scope` (the resource refused it). */
  invalidate(scope: string): void {
    this.#cache.delete(scope);
  }

  #signer: Promise<ClientAssertionSigner> | null = null;

  /** The form fields that prove the client: its secret, or an assertion for this token endpoint signed by its key. */
  async #proof(path: string): Promise<Record<string, string>> {
    const c = this.credentials;
    if (c.kind === "client_credentials") return { client_secret: c.clientSecret };
    this.#signer ??= ClientAssertionSigner.create(c);
    const assertion = await (await this.#signer).sign(this.http.buildUrl(path).toString(), this.#clock.now());
    return { client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion };
  }

  async #mint(scope: string, beforeSend?: () => Promise<void>): Promise<string> {
    const path = `/${encodeURIComponent(this.credentials.tenantId)}/oauth2/v2.0/token`;
    let res;
    try {
      res = await this.http.request<TokenBody>({
        method: "POST",
        path,
        endpoint: "POST token",
        beforeSend,
        form: {
          client_id: this.credentials.clientId,
          ...await this.#proof(path),
          scope,
          grant_type: "client_credentials",
        },
      });
    } catch (e) {
      // the token endpoint answers 400 (invalid_client, unauthorized_client, AADSTS codes) for refused credentials
      if (e instanceof SourceRequestError && (e.status === 400 || e.status === 404)) {
        throw new SourceAuthError("the Microsoft identity platform refused the client credentials", {
          method: e.method,
          url: e.url,
          status: e.status,
          excerpt: e.excerpt,
          attempts: e.attempts,
        });
      }
      throw e;
    }
    const token = res.body?.access_token;
    if (typeof token !== "string" || !token) {
      throw new SourceAuthError("the token endpoint answered without an access token", {
        method: "POST",
        url: this.http.buildUrl(path).toString(),
        status: res.status,
        attempts: res.attempts,
      });
    }
    const seconds = Number(res.body.expires_in);
    const lifetime = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 3_600_000;
    this.#cache.set(scope, { token, expiresAt: this.#clock.now() + lifetime });
    this.minted++;
    return token;
  }

  /**
   * Runs a call that uses the token of `scope`; when the resource answers 401 (token expired or revoked early),
   * mints a new token and runs it once more.
   */
  async retryExpired<T>(scope: string, call: () => Promise<T>, beforeSend?: () => Promise<void>): Promise<T> {
    // minted here, not inside the request's authorization callback: a refused credential is an auth error, not
    // a transport failure to retry
    await this.token(scope, beforeSend);
    try {
      return await call();
    } catch (e) {
      if (!(e instanceof SourceAuthError) || e.status !== 401) throw e;
      this.invalidate(scope);
      await this.token(scope, beforeSend);
      return await call();
    }
  }

  /** The Authorization header value for `scope`, for SourceHttpClient's `authorization` option. */
  authorization(scope: string, beforeSend?: () => Promise<void>): () => Promise<string> {
    return async () => `Bearer ${await this.token(scope, beforeSend)}`;
  }
}
