// Credentials of an app registration on the Microsoft identity platform, shared by the Entra ID and Fabric
// connectors: a client secret, or a certificate (the private key signs a client assertion; the registration holds
// the certificate, named in the assertion by its thumbprint). One zod schema serves the API (field-named 400s), the
// Integrations form (a choice of kind) and the connector.
import { z } from "zod";

const HEX_THUMBPRINT = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/**
 * The base64 body of a PEM block of `label`. Whitespace anywhere is ignored, so a key pasted into a one-line field
 * (browsers drop the line breaks of a password input) reads the same as the file.
 */
export function pemBody(text: string, label: RegExp): string | null {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m || !label.test(m[1])) return null;
  const body = m[2].replace(/\s+/g, "");
  return /^[A-Za-z0-9+/]+=*$/.test(body) ? body : null;
}

export const PRIVATE_KEY_LABEL = /^(?:RSA )?PRIVATE KEY$/;
export const CERTIFICATE_LABEL = /^CERTIFICATE$/;

const tenantId = z.string().trim().min(1, "the directory (tenant) id is empty").max(200)
  .regex(/^[A-Za-z0-9.-]+$/, "not a tenant id (GUID) or domain")
  .meta({ title: "Directory (tenant) id", description: "GUID or primary domain of the Entra tenant" });
const clientId = z.string().trim().min(1, "the client id is empty").max(200)
  .meta({ title: "Application (client) id" });

const secretCredentials = z.object({
  kind: z.literal("client_credentials"),
  tenantId,
  clientId,
  clientSecret: z.string().min(1, "the client secret is empty").max(1000)
    .meta({ title: "Client secret", description: "The app registration's secret value", secret: true }),
}).strict().meta({ title: "Client secret" });

const certificateCredentials = z.object({
  kind: z.literal("client_certificate"),
  tenantId,
  clientId,
  privateKey: z.string().max(20_000).refine(
    (v) => pemBody(v, PRIVATE_KEY_LABEL) !== null,
    "not a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----, unencrypted)",
  ).meta({
    title: "Private key (PEM)",
    description: "The RSA private key of the certificate uploaded to the app registration, unencrypted",
    secret: true,
  }),
  certificate: z.string().max(20_000).refine(
    (v) => pemBody(v, CERTIFICATE_LABEL) !== null,
    "not a PEM certificate (-----BEGIN CERTIFICATE-----)",
  ).optional().meta({
    title: "Certificate (PEM)",
    description: "The public certificate uploaded to the app registration; or give its thumbprint instead",
    widget: "textarea",
  }),
  thumbprint: z.string().trim().refine(
    (v) => HEX_THUMBPRINT.test(v.replaceAll(":", "")),
    "not a certificate thumbprint (40 or 64 hex digits)",
  ).optional().meta({
    title: "Certificate thumbprint",
    description: "The thumbprint the app registration shows for the certificate (SHA-1 or SHA-256, hex)",
  }),
  algorithm: z.enum(["RS256", "PS256"]).default("PS256").meta({
    title: "Signing algorithm",
    description: "How the client assertion is signed (Microsoft recommends PS256)",
    advanced: true,
  }),
}).strict().superRefine((v, ctx) => {
  if (!v.certificate && !v.thumbprint) {
    ctx.addIssue({ code: "custom", path: ["certificate"], message: "give the certificate or its thumbprint" });
  }
}).meta({ title: "Certificate" });

export const microsoftCredentialsSchema = z.discriminatedUnion("kind", [secretCredentials, certificateCredentials]);

export type MicrosoftCredentials = z.infer<typeof microsoftCredentialsSchema>;
export type MicrosoftCertificateCredentials = z.infer<typeof certificateCredentials>;

export class MicrosoftConfigError extends Error {
  override readonly name = "MicrosoftConfigError";
}

export function readMicrosoftCredentials(raw: unknown): MicrosoftCredentials {
  if (raw === null || raw === undefined) throw new MicrosoftConfigError("the integration has no credentials");
  const parsed = microsoftCredentialsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new MicrosoftConfigError(
      "stored credentials are not a tenant id and client id with a client secret or a certificate",
    );
  }
  return parsed.data;
}

/** The credential material itself (secret or private key): what identifies a token source, and what to scrub. */
export function credentialSecret(c: MicrosoftCredentials): string {
  return c.kind === "client_credentials" ? c.clientSecret : c.privateKey;
}
