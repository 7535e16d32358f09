/**
 * The Discord access token at rest: AES-GCM under a key derived (SHA-256) from
 * `DASHBOARD_SECRET`, a fresh 96-bit IV per token, stored as base64url(iv ‖ ciphertext). With
 * the secret unset the token is not kept at all (revoked right after login).
 */
const keys = new Map<string, Promise<CryptoKey>>();

function keyOf(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .digest('SHA-256', new TextEncoder().encode(`gatehouse dashboard token v1\n${secret}`))
      .then((raw) => crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']));
    keys.set(secret, key);
  }
  return key;
}

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromB64url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));

/** Encrypts `token` with `secret`. */
export async function encryptToken(secret: string, token: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await keyOf(secret), new TextEncoder().encode(token)));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return b64url(out);
}

/** Decrypts what `encryptToken` made; null when it does not open (another secret, tampered). */
export async function decryptToken(secret: string, sealed: string): Promise<string | null> {
  try {
    const bytes = fromB64url(sealed);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12) }, await keyOf(secret), bytes.slice(12));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
