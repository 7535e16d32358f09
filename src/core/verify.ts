/**
 * Ed25519 verification of Discord's signed requests with WebCrypto. The public key is
 * imported once per isolate (per distinct hex key), never per request.
 */

const keyCache = new Map<string, Promise<CryptoKey>>();
const encoder = new TextEncoder();

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The imported public key for a hex string, cached for the isolate's lifetime. */
export function importPublicKey(hex: string): Promise<CryptoKey> {
  let key = keyCache.get(hex);
  if (!key) {
    const raw = hexToBytes(hex);
    if (!raw || raw.length !== 32) throw new Error('DISCORD_PUBLIC_KEY must be 64 hex characters');
    key = crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    keyCache.set(hex, key);
  }
  return key;
}

/**
 * True when `signatureHex` is a valid Ed25519 signature of `timestamp + body` under `key`.
 * Malformed input is `false`, never an exception (workerd throws on a wrong-length signature).
 */
export async function verifySignature(
  key: CryptoKey,
  signatureHex: string,
  timestamp: string,
  body: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  const signature = signatureHex.length === 128 ? hexToBytes(signatureHex) : null;
  if (!signature) return false;
  const ts = encoder.encode(timestamp);
  const message = new Uint8Array(ts.length + body.length);
  message.set(ts, 0);
  message.set(body, ts.length);
  try {
    return await crypto.subtle.verify('Ed25519', key, signature, message);
  } catch {
    return false;
  }
}
