// Certificate credentials on the Microsoft identity platform: instead of a secret, the token request carries a
// client assertion — a JWT signed with the certificate's private key (RS256 or PS256), naming the certificate by
// its thumbprint (`x5t#S256` = SHA-256 of the DER certificate, `x5t` = SHA-1, both base64url), with aud = the token
// endpoint, iss = sub = the client id, a fresh jti and a lifetime of at most ten minutes, as
// https://learn.microsoft.com/entra/identity-platform/certificate-credentials describes.
import { base64url, importPKCS8, SignJWT } from "jose";
import { createPrivateKey } from "node:crypto";
import {
  CERTIFICATE_LABEL,
  type MicrosoftCertificateCredentials,
  MicrosoftConfigError,
  pemBody,
  PRIVATE_KEY_LABEL,
} from "./credentials.ts";

export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Lifetime of one assertion: Entra refuses more than ten minutes; one is minted per token request. */
const LIFETIME_S = 5 * 60;

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16)));
}

async function digest(alg: "SHA-1" | "SHA-256", bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest(alg, bytes)));
}

/** The certificate's thumbprint headers, from the certificate itself or from the thumbprint the portal shows. */
export async function thumbprintHeaders(
  c: Pick<MicrosoftCertificateCredentials, "certificate" | "thumbprint">,
): Promise<{ x5t?: string; "x5t#S256"?: string }> {
  const body = c.certificate ? pemBody(c.certificate, CERTIFICATE_LABEL) : null;
  if (body) {
    const der = Uint8Array.from(atob(body), (ch) => ch.charCodeAt(0));
    return { "x5t#S256": await digest("SHA-256", der), x5t: await digest("SHA-1", der) };
  }
  const hex = (c.thumbprint ?? "").replaceAll(":", "");
  if (hex.length === 64) return { "x5t#S256": base64url.encode(hexToBytes(hex)) };
  if (hex.length === 40) return { x5t: base64url.encode(hexToBytes(hex)) };
  throw new MicrosoftConfigError("give the certificate or its thumbprint");
}

/** The private key as PKCS#8 PEM (a PKCS#1 "RSA PRIVATE KEY", as openssl often writes it, is converted). */
function pkcs8Pem(privateKey: string): string {
  const body = pemBody(privateKey, PRIVATE_KEY_LABEL);
  if (!body) throw new MicrosoftConfigError("the private key is not a PEM private key");
  const rsa = /-----BEGIN RSA PRIVATE KEY-----/.test(privateKey);
  const label = rsa ? "RSA PRIVATE KEY" : "PRIVATE KEY";
  const pem = `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
  if (!rsa) return pem;
  try {
    return createPrivateKey(pem).export({ type: "pkcs8", format: "pem" }).toString();
  } catch (e) {
    throw new MicrosoftConfigError(`the private key could not be read: ${(e as Error).message}`);
  }
}

export class ClientAssertionSigner {
  /** Reads the key and thumbprints once; a key that does not parse is a configuration error. */
  static async create(c: MicrosoftCertificateCredentials): Promise<ClientAssertionSigner> {
    const alg = c.algorithm ?? "PS256";
    let key: CryptoKey;
    try {
      key = await importPKCS8(pkcs8Pem(c.privateKey), alg);
    } catch (e) {
      if (e instanceof MicrosoftConfigError) throw e;
      throw new MicrosoftConfigError(`the private key is not an RSA key usable for ${alg}: ${(e as Error).message}`);
    }
    return new ClientAssertionSigner(c.clientId, alg, key, await thumbprintHeaders(c));
  }

  private constructor(
    private readonly clientId: string,
    private readonly alg: "RS256" | "PS256",
    private readonly key: CryptoKey,
    private readonly thumbprints: { x5t?: string; "x5t#S256"?: string },
  ) {}

  /** A fresh assertion for the token endpoint `audience`, valid from `nowMs` for five minutes. */
  sign(audience: string, nowMs: number): Promise<string> {
    const now = Math.floor(nowMs / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: this.alg, typ: "JWT", ...this.thumbprints })
      .setAudience(audience)
      .setIssuer(this.clientId)
      .setSubject(this.clientId)
      .setJti(crypto.randomUUID())
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + LIFETIME_S)
      .sign(this.key);
  }
}
