/**
 * Signing in Node, the way Discord signs: Ed25519 over `timestamp + body`. Requests are
 * signed before a timed window starts, so signing never counts against the Worker.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** A test keypair; `publicKeyHex` is what the Worker gets as `DISCORD_PUBLIC_KEY`. */
export interface TestKeys {
  publicKeyHex: string;
  privateKey: KeyObject;
}

/** A fresh Ed25519 keypair. */
export function generateTestKeys(): TestKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (!x) throw new Error('ed25519 public key has no x');
  return { publicKeyHex: Buffer.from(x, 'base64url').toString('hex'), privateKey };
}

/** One ready-to-send `POST /interactions` request. */
export interface SignedRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/** Signs `payload` (serialised as JSON) with `timestamp` (seconds; default now). */
export function signRequest(keys: TestKeys, payload: unknown, timestamp = Math.floor(Date.now() / 1000)): SignedRequest {
  const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const ts = String(timestamp);
  const signature = sign(null, Buffer.concat([Buffer.from(ts), body]), keys.privateKey).toString('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-signature-ed25519': signature,
      'x-signature-timestamp': ts,
    },
  };
}

/**
 * `size` signed requests built by `factory(i)`, all stamped now. The Worker refuses
 * timestamps older than `INTERACTION_MAX_AGE_S` (300 s), so sign a pool per scenario, not
 * once per benchmark.
 */
export function signPool(keys: TestKeys, size: number, factory: (i: number) => unknown): SignedRequest[] {
  const timestamp = Math.floor(Date.now() / 1000);
  return Array.from({ length: size }, (_, i) => signRequest(keys, factory(i), timestamp));
}
