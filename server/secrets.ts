// Integration credentials at rest: AES-256-GCM with a key derived (HKDF-SHA256) from SLUICE_SECRET_KEY. The
// tenant id is bound as associated data, so a ciphertext copied into another tenant's row fails to decrypt.
const VERSION = "v1";

export async function deriveDataKey(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, [
    "deriveKey",
  ]);
  return await crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: new TextEncoder().encode("sluice.credentials"),
      info: new TextEncoder().encode("aes-256-gcm"),
    },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function encryptSecret(key: CryptoKey, tenantId: number, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(tenantId) }, key, plain),
  );
  return `${VERSION}:${b64(iv)}:${b64(sealed)}`;
}

export async function decryptSecret<T = unknown>(key: CryptoKey, tenantId: number, sealed: string): Promise<T> {
  const [version, iv, data] = sealed.split(":");
  if (version !== VERSION || !iv || !data) throw new Error("credentials are not in a known encrypted format");
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: unb64(iv), additionalData: aad(tenantId) },
      key,
      unb64(data),
    );
    return JSON.parse(new TextDecoder().decode(plain)) as T;
  } catch {
    // never echo ciphertext or key material
    throw new Error("credentials could not be decrypted (wrong SLUICE_SECRET_KEY or tampered data)");
  }
}

function aad(tenantId: number) {
  return new TextEncoder().encode(`tenant:${tenantId}`);
}

/** 32 random bytes, URL-safe base64: used for generated JWT_SECRET / SLUICE_SECRET_KEY and one-time passwords. */
export function randomSecret(bytes = 32): string {
  return b64(crypto.getRandomValues(new Uint8Array(bytes))).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}
