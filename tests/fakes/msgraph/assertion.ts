// The fake identity platform's check of a client assertion (certificate credentials), as Entra documents it: a JWT
// signed RS256 or PS256 by the key of the certificate registered for the app, named by its thumbprint (x5t#S256 or
// x5t), aud = the token endpoint, iss = sub = the client id, a jti not seen before, nbf and exp set with at most ten
// minutes between them. A refusal carries the AADSTS code Entra answers with.
import { base64url, decodeProtectedHeader, importX509, jwtVerify } from "jose";

export interface AssertionCheck {
  ok: boolean;
  /** AADSTS description of the refusal. */
  error?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

function pemDer(pem: string): Uint8Array<ArrayBuffer> {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, "");
  return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
}

export class AssertionVerifier {
  readonly #seenJti = new Set<string>();
  #thumbprints: Promise<{ sha1: string; sha256: string }>;

  constructor(readonly certificatePem: string, readonly clientId: string) {
    const der = pemDer(certificatePem);
    const b64 = async (alg: string) => base64url.encode(new Uint8Array(await crypto.subtle.digest(alg, der)));
    this.#thumbprints = (async () => ({ sha1: await b64("SHA-1"), sha256: await b64("SHA-256") }))();
  }

  async check(assertion: string, tokenEndpoint: string): Promise<AssertionCheck> {
    let header: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(assertion) as Record<string, unknown>;
    } catch {
      return { ok: false, error: "AADSTS50027: JWT token is invalid or malformed." };
    }
    const alg = String(header.alg);
    if (alg !== "RS256" && alg !== "PS256") {
      return { ok: false, header, error: `AADSTS5002730: Invalid JWT token. Unsupported key for the algorithm ${alg}` };
    }
    const known = await this.#thumbprints;
    const named = header["x5t#S256"] ?? header.x5t;
    if (header["x5t#S256"] !== known.sha256 && header.x5t !== known.sha1) {
      return {
        ok: false,
        header,
        error: `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on ` +
          `application. [Reason - The key was not found., Thumbprint of key used by client: '${named}']`,
      };
    }
    try {
      const { payload } = await jwtVerify(assertion, await importX509(this.certificatePem, alg), {
        algorithms: ["RS256", "PS256"],
        audience: tokenEndpoint,
        issuer: this.clientId,
        subject: this.clientId,
        requiredClaims: ["jti", "exp", "nbf"],
      });
      if (Number(payload.exp) - Number(payload.nbf) > 600) {
        return { ok: false, header, error: "AADSTS700024: Client assertion lifetime exceeds 10 minutes." };
      }
      if (this.#seenJti.has(String(payload.jti))) {
        return { ok: false, header, error: "AADSTS700025: Client assertion jti has been used before (replay)." };
      }
      this.#seenJti.add(String(payload.jti));
      return { ok: true, header, claims: payload as Record<string, unknown> };
    } catch (e) {
      return {
        ok: false,
        header,
        error: `AADSTS700027: Client assertion failed signature validation. (${(e as Error).message})`,
      };
    }
  }
}
