/**
 * Webhook secrets and signatures. A secret is `whsec_` + 32 random bytes (base64url), shown
 * once; it is kept sealed (AES-GCM, `src/core/api/token-crypto.ts`) under a key derived from
 * `WEBHOOKS_SECRET`, because signing needs it back (a hash would not do). A delivery is
 * signed with HMAC-SHA256, keyed with the secret's UTF-8 bytes, over
 * `<X-Gatehouse-Timestamp>.<raw body>`, sent as `X-Gatehouse-Signature: sha256=<hex>`; during
 * a rotation's overlap the header lists one signature per valid secret, the current one
 * first (`sha256=<hex>,sha256=<hex>`), and a receiver accepts the request if any matches.
 */
import { decryptToken, encryptToken } from '../../core/api/token-crypto';

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** A fresh signing secret. */
export function newWebhookSecret(): string {
  return `whsec_${b64url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

// Domain separation: the dashboard's token key is derived from DASHBOARD_SECRET; this one from
// WEBHOOKS_SECRET behind its own label, so the two never share a key even if set alike.
const keyMaterial = (masterSecret: string) => `webhooks v1\n${masterSecret}`;

/** Seals a signing secret for the database. */
export function sealSecret(masterSecret: string, secret: string): Promise<string> {
  return encryptToken(keyMaterial(masterSecret), secret);
}

/** Opens a sealed signing secret; null when it does not open (WEBHOOKS_SECRET changed). */
export function openSecret(masterSecret: string, sealed: string): Promise<string | null> {
  return decryptToken(keyMaterial(masterSecret), sealed);
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`). */
export async function signDelivery(secret: string, timestamp: string, body: string): Promise<string> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    if (hmacKeys.size > 256) hmacKeys.clear();
    hmacKeys.set(secret, key);
  }
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await key, new TextEncoder().encode(`${timestamp}.${body}`)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The `X-Gatehouse-Signature` value: one `sha256=<hex>` per secret, in order, comma separated. */
export async function signatureHeader(secrets: readonly string[], timestamp: string, body: string): Promise<string> {
  return (await Promise.all(secrets.map((secret) => signDelivery(secret, timestamp, body)))).join(',');
}
